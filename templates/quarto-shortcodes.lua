-- Quarto's rule for escaped shortcodes, for the deck pandoc builds when Quarto is absent
-- (slides/render/html.py passes it only when the .qmd holds one; quarto-footer.lua runs first,
-- so that a footer's text is un-escaped too).

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

return {
  Code = verbatim,
  CodeBlock = function(el) return attributes(verbatim(el)) end,
  Image = picture,
  Link = attributes,
  Span = attributes,
  Div = attributes,
  Header = attributes,
}
