-- Quarto's footer rule, for the deck pandoc builds when Quarto is absent (slides/render/html.py
-- passes it only when the lecture has a footer).

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

return { { Pandoc = footers } }
