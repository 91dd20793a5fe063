import ast
from pathlib import Path

PIPELINE = Path(__file__).resolve().parents[3] / "pipeline"
FORBIDDEN = {"hub", "storage", "commerce", "models", "benchmarks", "torch", "transformers"}


def test_pipeline_imports_nothing_else_of_ours_and_no_torch() -> None:
    offenders = []
    for path in PIPELINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
