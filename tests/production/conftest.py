# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
def pytest_addoption(parser):
    parser.addoption("--database", required=True, help="a database with both addons")
