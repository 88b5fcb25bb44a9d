"""pytest-lsp fixtures: `cjoc lsp` started over stdio for each test, with a
small project written to a temporary folder."""

import os
import pathlib
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = pathlib.Path(__file__).resolve().parents[3]
CJOC = os.environ.get("CJOC", str(ROOT / "target" / "debug" / "cjoc"))

SOURCES = '''/// Orders as the shop writes them.
source orders = "shop.orders" {
  /// Who ordered.
  customer_id: string not null
  amount: int
  ordered_at: timestamp not null
}

source customers = "crm.customers" {
  customer_id: string not null
  plan: string
}
'''

MODELS = '''/// Spend per customer.
model spend {
  sql {
    select o.customer_id, sum(o.amount) as total
    from orders o
    group by o.customer_id
  }
}

model top {
  sql {
    select customer_id, total from spend where total > 100
  }
}

journey onboarding {
  profiles = customers
  key = customer_id
  events = [orders]

  stage welcome {
    entry: plan = 'free' and any orders where amount > 10
    step send: activate "email.welcome"
    step pause: wait 2 days -> done
    step done: end
  }
}
'''


@pytest.fixture
def project(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "cjo.toml").write_text('[project]\nname = "shop"\ndefault_target = "trino"\n\n[targets.trino]\ncatalog = "hive"\nschema = "shop"\n')
    (tmp_path / "sources.cjo").write_text(SOURCES)
    (tmp_path / "models.cjo").write_text(MODELS)
    return tmp_path


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[CJOC, "lsp"]))
async def client(lsp_client: LanguageClient):
    params = types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()
