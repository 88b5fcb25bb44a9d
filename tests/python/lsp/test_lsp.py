"""`cjoc lsp` end to end over stdio, driven by pytest-lsp: what an editor
sees for a small project (diagnostics following edits across files,
hover, definition, references, completion, symbols, rename, formatting,
quick fixes, semantic tokens, code lenses and cjo/compiledSql), and a
half-typed file that must not break anything."""

import asyncio
import pathlib

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import MODELS, ROOT

PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS


def uri(path: pathlib.Path) -> str:
    return path.resolve().as_uri()


def open_doc(client: LanguageClient, path: pathlib.Path, text: str | None = None, version: int = 1) -> str:
    u = uri(path)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=u, language_id="cjo", version=version, text=text if text is not None else path.read_text())
        )
    )
    return u


def change(client: LanguageClient, u: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=u, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def until(client: LanguageClient, predicate, timeout: float = 60.0) -> None:
    """Waits for published diagnostics until `predicate()` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        left = deadline - loop.time()
        assert left > 0, f"timed out; diagnostics: {client.diagnostics}"
        try:
            await asyncio.wait_for(client.wait_for_notification(PUBLISH), left)
        except asyncio.TimeoutError:
            pass


def pos(text: str, needle: str, delta: int = 0) -> types.Position:
    i = text.index(needle) + delta
    line = text.count("\n", 0, i)
    col = i - (text.rfind("\n", 0, i) + 1)
    return types.Position(line=line, character=col)


def codes(client: LanguageClient, u: str) -> list[str]:
    return [str(d.code) for d in client.diagnostics.get(u, [])]


@pytest.mark.asyncio
async def test_diagnostics_follow_edits_across_files(client: LanguageClient, project: pathlib.Path):
    models = open_doc(client, project / "models.cjo")
    await until(client, lambda: models in client.diagnostics)
    assert list(client.diagnostics[models]) == []

    broken = MODELS.replace("sum(o.amount)", "sum(o.amout)")
    change(client, models, broken, 2)
    await until(client, lambda: codes(client, models) == ["E0302"])
    d = client.diagnostics[models][0]
    assert d.range.start == pos(broken, "amout")
    assert "did you mean `amount`?" in d.message

    # The quick fix writes the suggested name.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=models),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    assert [a.title for a in actions] == ["Replace with `amount`"]
    assert actions[0].edit.changes[models][0].new_text == "amount"

    change(client, models, MODELS, 3)
    await until(client, lambda: list(client.diagnostics.get(models, [None])) == [])

    # Editing the source re-checks the models that read it.
    sources_path = project / "sources.cjo"
    sources = open_doc(client, sources_path)
    change(client, sources, sources_path.read_text().replace("amount: int", "price: int"), 2)
    await until(client, lambda: "E0302" in codes(client, models))
    change(client, sources, sources_path.read_text(), 3)
    await until(client, lambda: list(client.diagnostics.get(models, [None])) == [])


@pytest.mark.asyncio
async def test_hover_definition_references(client: LanguageClient, project: pathlib.Path):
    models = open_doc(client, project / "models.cjo")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=models), position=pos(MODELS, "o.customer_id", 3))
    )
    assert "orders.customer_id: string not null" in hover.contents.value
    assert "Who ordered." in hover.contents.value

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=models), position=pos(MODELS, "from spend", 6))
    )
    assert "| `total` | `int`" in hover.contents.value

    defn = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=models), position=pos(MODELS, "from orders", 6))
    )
    assert defn.uri == uri(project / "sources.cjo")
    assert defn.range.start.line == 1

    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=models),
            position=pos(MODELS, "-> done", 4),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert sorted(r.range.start.line for r in refs) == [23, 24]


@pytest.mark.asyncio
async def test_completion_in_context(client: LanguageClient, project: pathlib.Path):
    models = open_doc(client, project / "models.cjo")

    async def labels(position: types.Position) -> list[str]:
        result = await client.text_document_completion_async(
            types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=models), position=position)
        )
        items = result.items if isinstance(result, types.CompletionList) else result
        return [i.label for i in items]

    assert await labels(pos(MODELS, "o.amount", 2)) == ["customer_id", "amount", "ordered_at"]
    assert "spend" in await labels(pos(MODELS, "from spend", 5))
    assert await labels(pos(MODELS, "-> done", 3)) == ["send", "pause", "done"]
    in_criterion = await labels(pos(MODELS, "plan = 'free'"))
    assert "plan" in in_criterion and "any" in in_criterion

    # Half-typed: `o.` with nothing after it yet.
    typed = MODELS.replace("group by o.customer_id", "group by o.")
    change(client, models, typed, 2)
    assert await labels(pos(typed, "group by o.", 11)) == ["customer_id", "amount", "ordered_at"]


@pytest.mark.asyncio
async def test_symbols_formatting_tokens_lenses(client: LanguageClient, project: pathlib.Path):
    models = open_doc(client, project / "models.cjo")
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=models))
    )
    assert [s.name for s in symbols] == ["spend", "top", "onboarding"]
    assert [c.name for c in symbols[2].children[0].children] == ["send", "pause", "done"]

    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="pause"))
    assert [s.name for s in found] == ["pause"]

    tokens = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=models))
    )
    assert len(tokens.data) % 5 == 0 and len(tokens.data) > 50

    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=models))
    )
    assert [(l.command.command, list(l.command.arguments)) for l in lenses] == [
        ("cjo.showCompiledSql", [models, "spend"]),
        ("cjo.showCompiledSql", [models, "top"]),
    ]

    ugly = MODELS.replace("model top {", "model top   {")
    change(client, models, ugly, 2)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=models),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert len(edits) == 1 and "model top {" in edits[0].new_text
    change(client, models, "model x {\n  sql { select", 3)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=models),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert not edits


@pytest.mark.asyncio
async def test_rename_and_compiled_sql(client: LanguageClient, project: pathlib.Path):
    sources_text = (project / "sources.cjo").read_text()
    sources = open_doc(client, project / "sources.cjo")
    at_amount = pos(sources_text, "amount: int", 1)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=types.TextDocumentIdentifier(uri=sources), position=at_amount)
    )
    assert prepared.placeholder == "amount"
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=types.TextDocumentIdentifier(uri=sources), position=at_amount, new_name="price")
    )
    models = uri(project / "models.cjo")
    assert len(edit.changes[sources]) == 1 and len(edit.changes[models]) == 2
    with pytest.raises(Exception, match="exists already"):
        await client.text_document_rename_async(
            types.RenameParams(text_document=types.TextDocumentIdentifier(uri=sources), position=at_amount, new_name="ordered_at")
        )

    result = await client.protocol.send_request_async("cjo/compiledSql", {"uri": models, "name": "spend"})
    assert result.name == "spend" and result.dialect == "trino"
    assert "sum" in result.sql.lower() and "hive" in result.sql
    result = await client.protocol.send_request_async(
        "cjo/compiledSql", {"uri": models, "position": {"line": 3, "character": 4}, "dialect": "bigquery"}
    )
    assert result.name == "spend" and result.dialect == "bigquery"
    assert result.dialects == ["bigquery", "redshift", "trino"]


@pytest.mark.asyncio
async def test_half_typed_files_and_examples(client: LanguageClient, project: pathlib.Path):
    models = open_doc(client, project / "models.cjo", "model broken {\n  sql {\n    select o. from\n")
    await until(client, lambda: models in client.diagnostics and client.diagnostics[models])
    for line in range(3):
        for character in range(0, 16, 3):
            p = types.Position(line=line, character=character)
            await client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=models), position=p))
            await client.text_document_completion_async(types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=models), position=p))

    example = ROOT / "examples" / "video_watch" / "core.cjo"
    core = open_doc(client, example)
    await until(client, lambda: core in client.diagnostics)
    assert list(client.diagnostics[core]) == []
    text = example.read_text()
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=core), position=pos(text, "w.watch_seconds", 3))
    )
    assert "watch_seconds" in hover.contents.value


@pytest.mark.asyncio
async def test_ctes_and_config_quick_fix(client: LanguageClient, project: pathlib.Path):
    """A CTE read in a body goes to its definition and is renamed in every
    place; a typo in a cjo.toml value gets a quick fix that keeps the
    quotes."""
    text = (
        "model big {\n  sql {\n    with totals as (select customer_id, sum(amount) as total from orders group by customer_id)\n"
        "    select customer_id from totals where total > 100\n  }\n}\n"
    )
    path = project / "ctes.cjo"
    path.write_text(text)
    ctes = open_doc(client, path)
    at = pos(text, "from totals", 6)
    doc = types.TextDocumentIdentifier(uri=ctes)
    defn = await client.text_document_definition_async(types.DefinitionParams(text_document=doc, position=at))
    assert defn.uri == ctes and defn.range.start == pos(text, "totals as")
    edit = await client.text_document_rename_async(types.RenameParams(text_document=doc, position=at, new_name="sums"))
    assert sorted((e.range.start.line, e.new_text) for e in edit.changes[ctes]) == [(2, "sums"), (3, "sums")]

    config_path = project / "cjo.toml"
    config_text = config_path.read_text().replace('default_target = "trino"', 'default_target = "trnio"')
    config = open_doc(client, config_path, config_text)
    await until(client, lambda: any(d.data for d in client.diagnostics.get(config, [])))
    d = next(d for d in client.diagnostics[config] if d.data)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=config), range=d.range, context=types.CodeActionContext(diagnostics=[d])
        )
    )
    (action,) = actions
    (fix,) = action.edit.changes[config]
    assert fix.new_text == '"trino"', fix
