"""User programs type-check as promised under mypy --strict and pyright --strict, the wrong
ones fail where marked, and the README's snippets are the ones checked."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).parent
README = HERE.parent.parent / "README.md"


def _check_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("typing_programs_check", HERE / "check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_readme_python_snippet_is_checked_verbatim() -> None:
    snippets = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(snippets) >= 5
    programs = [path.read_text(encoding="utf-8") for path in (HERE / "ok").glob("readme_*.py")]
    missing = [s.splitlines()[0] for s in snippets if not any(s in p for p in programs)]
    assert not missing, f"README snippets not in tests/typing/ok/readme_*.py: {missing}"


def test_every_negative_program_marks_the_lines_that_must_fail() -> None:
    check = _check_module()
    for path in (HERE / "bad").glob("*.py"):
        assert check.expected_errors(path), path


def test_programs_pass_or_fail_both_checkers_as_marked(tmp_path: Path) -> None:
    problems = _check_module().problems(tmp_path)
    assert not problems, "\n".join(problems)


def test_the_user_programs_run_against_the_emulator() -> None:
    # Type-checked above, and realistic: each one does what it says against the emulator.
    for name in ("user_sync_crud.py", "user_async.py"):
        done = subprocess.run(
            [sys.executable, str(HERE / "ok" / name)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"{name}:\n{done.stdout}\n{done.stderr}"
