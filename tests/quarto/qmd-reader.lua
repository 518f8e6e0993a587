-- A pandoc custom reader that reads a .qmd as Quarto does for shortcodes, with Quarto's own
-- grammar (lpegshortcode.lua, vendored unchanged), and marks every shortcode Quarto would run.
--
-- A port of quarto-cli (commit 5d1da592):
--   stage 1, src/resources/pandoc/datadir/readqmd.lua:123-257: the raw text is parsed for
--     shortcodes before pandoc reads it; code, attributes and targets get their text back;
--     a shortcode left in text becomes a Shortcode node (here: a LIVE marker);
--   stage 2, src/resources/filters/customnodes/shortcodes.lua:208-360: shortcodes in code,
--     code blocks, raw blocks, attributes, image sources and link targets are parsed again
--     and run, escaped ones ({{{< >}}}, {{</* */>}}) turn into their literal text.
-- Run: pandoc --from tests/quarto/qmd-reader.lua --to json deck.qmd

package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. "/?.lua;" .. package.path
local lpegshortcode = require("lpegshortcode")

local LIVE = "LIVE-SHORTCODE"
local uuid_pattern = "b58fc729%-690b%-4000%-b19f%-365a4093b2ff;([A-Fa-f0-9]+);"

local function hex_to_string(hex)
  return (hex:gsub("..", function(cc) return string.char(tonumber(cc, 16)) end))
end

-- stage 2's parser for code-like text (shortcodes.lua:210-250): every shortcode handler is
-- taken to exist, so a shortcode left there would run.
local code_shortcode = lpegshortcode.make_shortcode_parser({
  escaped = function(s) return "{{<" .. s .. ">}}" end,
  string = function(s) return { value = s } end,
  keyvalue = function(k, r, v) return { name = k, value = v } end,
  shortcode = function(open, space, lst, close)
    return LIVE .. "(" .. tostring(lst[1] and lst[1].value) .. ")"
  end,
})

local function stage2(text)
  return lpegshortcode.wrap_lpeg_match(code_shortcode, text) or text
end

local function restore(text)
  return (text:gsub(uuid_pattern, hex_to_string))
end

local function attributes(el)
  for k, v in pairs(el.attributes) do
    el.attributes[k] = stage2(restore(v))
  end
  return el
end

function Reader(input, opts)
  local text = tostring(input)
  local parsed = lpegshortcode.parse_md_shortcode_2(text)
  if parsed == nil then
    error("Quarto's shortcode parser rejects the whole document")
  end
  -- The parser stops at a "{{<" it cannot read and keeps only what came before.
  local doc = pandoc.read(parsed, "markdown", opts)
  return doc:walk({
    CodeBlock = function(el) el.text = stage2(restore(el.text)); return attributes(el) end,
    Code = function(el) el.text = stage2(restore(el.text)); return attributes(el) end,
    RawInline = function(el) el.text = stage2(restore(el.text)); return el end,
    RawBlock = function(el) el.text = stage2(restore(el.text)); return el end,
    Header = attributes,
    Span = attributes,
    Div = attributes,
    Link = function(el) el.target = stage2(restore(el.target)); return attributes(el) end,
    Image = function(el) el.src = stage2(restore(el.src)); return attributes(el) end,
    Str = function(el)
      if el.text:find(uuid_pattern) then
        -- readqmd.lua:210-255 turns it into a Shortcode node; an escaped one shows literally.
        return pandoc.Str((el.text:gsub(uuid_pattern, function(hex)
          local raw = hex_to_string(hex)
          if raw:sub(1, 4) == "{{{<" then return raw:sub(2, -2) end
          return LIVE .. "(" .. raw .. ")"
        end)))
      end
    end,
  })
end
