-- cjoc lsp in headless Neovim: opens an example file, waits for its
-- diagnostics, edits the buffer (without saving) and waits for the error,
-- then asks hover, definition and completion. Exits non-zero on failure.
--   CJOC=path/to/cjoc CJO_FILE=examples/video_watch/core.cjo nvim --headless -u NONE -l lsp_test.lua
-- (Neovim 0.7 has no -l: run.sh uses `-c "luafile lsp_test.lua"`.)

local cjoc = assert(os.getenv("CJOC"), "set CJOC")
local file = assert(os.getenv("CJO_FILE"), "set CJO_FILE")
local timeout = 60000

local function fail(message)
  io.stderr:write("FAIL: " .. message .. "\n")
  vim.cmd("cquit 1")
end

local function check(ok, message)
  if not ok then fail(message) end
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(buf)
local published = {}

local client_id = vim.lsp.start_client({
  name = "cjo",
  cmd = { cjoc, "lsp" },
  root_dir = vim.fn.fnamemodify(file, ":p:h"),
  handlers = {
    ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
      published[result.uri] = result
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})
check(client_id ~= nil, "cjoc lsp did not start")
vim.lsp.buf_attach_client(buf, client_id)

-- The example checks clean.
check(vim.wait(timeout, function() return published[uri] ~= nil end, 20), "no diagnostics for " .. uri)
check(#published[uri].diagnostics == 0, "the example has diagnostics: " .. vim.inspect(published[uri].diagnostics))

-- The position (0-based) of the first `needle` in the buffer, plus delta.
local function find(needle, delta)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then return { line = i - 1, character = col - 1 + (delta or 0) } end
  end
  fail("no " .. needle .. " in the buffer")
end

local function request(method, position, extra)
  local params = { textDocument = { uri = uri }, position = position }
  for k, v in pairs(extra or {}) do params[k] = v end
  local responses = vim.lsp.buf_request_sync(buf, method, params, timeout)
  check(responses and responses[client_id], method .. ": no answer")
  check(responses[client_id].err == nil, method .. ": " .. vim.inspect(responses[client_id].err))
  return responses[client_id].result
end

-- Hover: a column's type and where it comes from.
local hover = request("textDocument/hover", find("w.watch_seconds", 3))
check(hover and hover.contents.value:find("watch_seconds", 1, true), "hover: " .. vim.inspect(hover))

-- Definition: the source the model reads, in another file.
local def = request("textDocument/definition", find("from video_watch_logs", 6))
local target = def.uri or (def[1] and (def[1].uri or def[1].targetUri))
check(target and target:find("sources.cjo", 1, true), "definition: " .. vim.inspect(def))

-- Completion after `w.`: the columns of the source aliased `w`.
local completion = request("textDocument/completion", find("w.user_id", 2))
local items = completion.items or completion
local labels = {}
for _, item in ipairs(items) do labels[item.label] = true end
check(labels["user_id"] and labels["server_time"], "completion: " .. vim.inspect(vim.tbl_keys(labels)))

-- An unsaved edit: a misspelt column is reported, then fixed.
local at = find("w.watch_seconds", 2)
vim.api.nvim_buf_set_text(buf, at.line, at.character, at.line, at.character + #"watch_seconds", { "watch_secs" })
check(vim.wait(timeout, function()
  local d = published[uri] and published[uri].diagnostics or {}
  return #d > 0 and d[1].code == "E0302"
end, 20), "no E0302 after the edit: " .. vim.inspect(published[uri]))
vim.api.nvim_buf_set_text(buf, at.line, at.character, at.line, at.character + #"watch_secs", { "watch_seconds" })
check(vim.wait(timeout, function() return #(published[uri].diagnostics) == 0 end, 20), "the error was not cleared")

io.stdout:write("nvim lsp test: 5 passed, 0 failed\n")
vim.lsp.stop_client(client_id)
vim.cmd("qa!")
