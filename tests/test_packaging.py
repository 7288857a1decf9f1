"""The wheel carries everything the product reads: built, installed outside the checkout, run.

The wheel is built from a copy of exactly what `deploy/Dockerfile` copies (pyproject.toml,
README.md and the four packages), installed without its dependencies into a fresh virtual
environment in a temporary folder, and run from another folder with no PYTHONPATH. The
dependencies come from the test environment's site-packages through a `.pth` line (not
`--system-site-packages`: the test interpreter is itself a virtual environment); that line
adds the folder to the path without processing its `.pth` files, so the editable install of
the checkout stays inert, and the test checks that the product imported is the wheel's.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.utils.loopback import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[1]
# What deploy/Dockerfile copies before `pip wheel`.
SHIPPED = ["pyproject.toml", "README.md", "assistant", "tools", "ui", "prompts"]


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh virtual environment with the wheel installed; its bin folder and environment."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in SHIPPED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, src / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "TERGEU_"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    _run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
          "--no-index", "-q", "-w", str(base / "dist")], src, env)
    wheel = next((base / "dist").glob("tergeu-*.whl"))

    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], base, env)
    py = venv / "bin" / "python"
    purelib = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                        base, env).strip())
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib"),
            *site.getsitepackages()}
    (purelib / "test_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
          "--no-index", "-q", str(wheel)], base, env)

    env = {**env, "TERGEU_HOME": str(base / "home"), "TERGEU_LLM": "offline",
           "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"}
    where = _run([str(py), "-c", "import assistant, prompts, tools; "
                   "print(assistant.__file__, prompts.__file__, tools.__file__)"], base, env)
    for path in where.split():
        assert Path(path).is_relative_to(purelib), f"{path} is not the wheel's copy"
    return venv / "bin", env


def test_wheel_ships_the_data_files(installed: tuple[Path, dict[str, str]]) -> None:
    bin_dir, env = installed
    listing = _run([str(bin_dir / "python"), "-c",
                    "from importlib.resources import files; "
                    "print(*sorted(p.name for p in files('prompts').iterdir()))"], bin_dir, env)
    shipped = set(listing.split())
    assert shipped, "the installed package `prompts` is empty"
    expected = {p.name for p in (ROOT / "prompts").iterdir() if p.name != "__pycache__"}
    assert expected <= shipped


def test_installed_product_runs_demo_ask_and_serve(installed: tuple[Path, dict[str, str]],
                                                   tmp_path: Path) -> None:
    bin_dir, env = installed
    tergeu = str(bin_dir / "tergeu")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    demo = _run([tergeu, "demo"], elsewhere, env)
    assert "sign in with token" in demo

    answer = json.loads(_run([tergeu, "ask", "--case", "demo", "обзор дела", "--json"],
                             elsewhere, env))
    assert answer["answer"] and answer["citations"], answer

    # Letter templates and texts ship in the wheel.
    truth = json.loads((Path(env["TERGEU_HOME"]) / "demo-case" / "truth.json").read_text())
    holder = truth["beneficiaries"][0]["address"]
    _run([tergeu, "letter", "--case", "demo", "--to", "issuer", "--address", holder,
          "--out", "letter.docx"], elsewhere, env)
    assert (elsewhere / "letter.docx").stat().st_size and (elsewhere / "letter.pdf").stat().st_size

    port = free_port()
    server = subprocess.Popen([tergeu, "serve", "--port", str(port)], cwd=elsewhere, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", seconds=60)
    finally:
        server.terminate()
        server.wait(timeout=30)
