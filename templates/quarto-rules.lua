-- Quarto's rules that the .qmd relies on, for the deck pandoc builds when Quarto is absent,
-- so that it shows what Quarto shows (slides/render/qmd.py writes the .qmd for them; the
-- date is rendered by render/html.py).

-- An escaped shortcode {{</* … */>}} shows as {{< … >}} (quarto-cli
-- src/resources/pandoc/datadir/lpegshortcode.lua:145, filters/customnodes/shortcodes.lua:211).
local function unescape(text)
  return (text:gsub("{{</%*(.-)%*/>}}", "{{<%1>}}"))
end

local function verbatim(el)
  el.text = unescape(el.text)
  return el
end

local function attributes(el)
  for key, value in pairs(el.attributes) do
    el.attributes[key] = unescape(value)
  end
  return el
end

-- In a figure, pandoc moves the alt attribute into the picture's description.
local function picture(el)
  local alt = pandoc.utils.stringify(el.caption)
  if alt:find("{{</%*") then
    el.caption = { pandoc.Str(unescape(alt)) }
  end
  return attributes(el)
end

-- The footer: Quarto shows `footer:` on every slide without data-footer="false" (quarto-cli
-- src/format/reveal/format-reveal.ts:395-430, plugins/support/support.js:143-189). Here each
-- such slide gets it as a .footer of its own, which the theme places where Quarto's is.
local function footers(doc)
  if not doc.meta.footer then
    return doc
  end
  local blocks = pandoc.Blocks({})
  local open = false
  local function close()
    if open then
      blocks:insert(pandoc.Div(pandoc.Plain(doc.meta.footer), { class = "footer" }))
    end
  end
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" and block.level <= 2 then
      close()
      open = block.attributes["data-footer"] ~= "false"
    end
    blocks:insert(block)
  end
  close()
  doc.blocks = blocks
  return doc
end

return {
  { Pandoc = footers },
  {
    Code = verbatim,
    CodeBlock = function(el) return attributes(verbatim(el)) end,
    Image = picture,
    Link = attributes,
    Span = attributes,
    Div = attributes,
    Header = attributes,
  },
}
