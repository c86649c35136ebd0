"""Real-browser helpers for the tests: a throw-away JupyterLab server and Debian's chromium driven by
Playwright (never `playwright install`: .ci/run installs Debian's chromium).

Usage (see test_browser.py):

    with start_lab(root_dir, "/path/to/venv/bin") as (url, token, proc):
        with browser() as b:
            page = new_lab_page(b, url, token)
            open_notebook(page, "demo.ipynb")
            run_all_and_wait(page)
            print(cell_outputs_text(page))

Facts this relies on (checked on Debian 12, chromium 156, playwright 1.65.2, JupyterLab 4.6):
- chromium is Debian's (`apt-get install -y chromium chromium-driver`); never `playwright install`.
- The server's env-level config (<venv>/etc/jupyter/jupyter_server_config.d/*.json, which enables
  nbgrader's and jupytext's server extensions) and kernelspecs (<venv>/share/jupyter/kernels) are still
  found with temporary JUPYTER_CONFIG_DIR / JUPYTER_DATA_DIR: sys.prefix paths are always searched.
- nbgrader's formgrader reads nbgrader_config.py from the *server's working directory*: the server is
  started with cwd=root_dir.
- Settings are written as user settings into a temporary JUPYTERLAB_SETTINGS_DIR
  (<dir>/<package>/<plugin>.jupyterlab-settings); that needs no write to the venv (unlike overrides.json,
  which lives in <sys.prefix>/share/jupyter/lab/settings/).
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# User settings written into JUPYTERLAB_SETTINGS_DIR: {"<package>/<plugin>": {...}}
DEFAULT_SETTINGS = {
    # all cells in the DOM (default 'contentVisibility'; 'full'/'defer' detach off-screen cells)
    "@jupyterlab/notebook-extension/tracker": {
        "windowingMode": "none",
        # a notebook without kernelspec metadata starts the default kernel instead of a "Select Kernel" dialog
        "autoStartDefaultKernel": True,
    },
    # no "Would you like to receive official Jupyter news?" toast, no update check
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}

TIMING: dict[str, list[float]] = {}  # name -> seconds of each call, filled by the helpers (for reporting)


def _timed(name: str, t0: float) -> None:
    TIMING.setdefault(name, []).append(round(time.monotonic() - t0, 3))


# --------------------------------------------------------------------------------------------- server

@dataclass
class Lab:
    url: str
    token: str
    process: subprocess.Popen
    root_dir: Path
    tmp: Path
    log_path: Path
    env: dict = field(repr=False, default_factory=dict)

    def __iter__(self):  # so that `with start_lab(...) as (url, token, proc):` works
        return iter((self.url, self.token, self.process))

    log_text: str = ""  # the server log, kept after the temporary folder is removed
    stopped_by: str = ""

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return self.log_text

    def api(self, path: str, method: str = "GET", body=None, timeout: float = 10):
        req = urllib.request.Request(
            f"{self.url}{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = r.read()
            return json.loads(data) if data else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_user_settings(settings_dir: Path, settings: dict) -> None:
    for key, values in settings.items():
        pkg, plugin = key.rsplit("/", 1)
        p = Path(settings_dir, pkg, plugin + ".jupyterlab-settings")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(values, indent=2))


def _children(pid: int) -> list[int]:
    """All descendants of pid (from /proc), deepest last."""
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path("/proc", d, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def _kill(pids, sig) -> None:
    for p in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(p, sig)


def stop_lab(lab: Lab, timeout: float = 15) -> str:
    """Clean stop (POST /api/shutdown: kernels are shut down too), then SIGTERM, then SIGKILL.
    Returns how it stopped: 'api', 'sigterm' or 'sigkill'."""
    proc = lab.process
    how = "api"
    if proc.poll() is not None:
        return "already-exited"
    descendants = _children(proc.pid)  # kernels run in their own session: remember them now
    try:
        lab.api("/api/shutdown", method="POST", timeout=5)
    except (urllib.error.URLError, OSError, ValueError):
        pass
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        how = "sigterm"
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            how = "sigkill"
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    # anything left (e.g. a kernel whose shutdown failed)
    left = [p for p in descendants if Path(f"/proc/{p}").exists()]
    if left:
        _kill(left, signal.SIGKILL)
    return how


@contextlib.contextmanager
def start_lab(root_dir, env_python_bin_dir, *, port: int | None = None, token: str | None = None,
              settings: dict | None = None, extra_args=(), timeout: float = 90, keep_tmp: bool = False):
    """Start `jupyter lab` headless on 127.0.0.1 for a test; always stops it (and its kernels).

    Yields a Lab (unpacks as `url, token, process`; also has .log(), .api(), .tmp, .env)."""
    root_dir = Path(root_dir).resolve()
    bin_dir = Path(env_python_bin_dir).resolve()
    jupyter_lab = bin_dir / "jupyter-lab"
    if not jupyter_lab.exists():
        raise FileNotFoundError(jupyter_lab)
    tmp = Path(tempfile.mkdtemp(prefix="jlab-"))
    token = token or secrets.token_hex(16)
    dirs = {name: tmp / sub for name, sub in [
        ("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"), ("IPYTHONDIR", "ipython"),
        ("MPLCONFIGDIR", "matplotlib")]}
    for d in dirs.values():
        d.mkdir(parents=True)
    merged = dict(DEFAULT_SETTINGS)
    for k, v in (settings or {}).items():
        merged[k] = {**merged.get(k, {}), **v}
    write_user_settings(dirs["JUPYTERLAB_SETTINGS_DIR"], merged)

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "JPY_", "IPYTHON", "LC_")) and k not in ("PYTHONPATH", "MPLBACKEND")}
    env.update({k: str(v) for k, v in dirs.items()})
    env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONUNBUFFERED="1",
               PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(bin_dir.parent))

    log_path = tmp / "server.log"
    lab = None
    try:
        for attempt in range(3):  # a free port can be taken between probe and bind
            p = port or free_port()
            url = f"http://127.0.0.1:{p}"
            cmd = [str(jupyter_lab), "--no-browser", "--allow-root",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={p}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
                   "--LabApp.expose_app_in_browser=True",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                   "--LabApp.news_url=None",
                   *extra_args]
            t0 = time.monotonic()
            logf = open(log_path, "ab")
            proc = subprocess.Popen(cmd, cwd=root_dir, env=env, stdin=subprocess.DEVNULL,
                                    stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
            logf.close()
            lab = Lab(url, token, proc, root_dir, tmp, log_path, env)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    break
                try:
                    lab.api("/api/status", timeout=2)
                    break
                except (urllib.error.URLError, OSError, ValueError):
                    time.sleep(0.2)
            if proc.poll() is None and time.monotonic() < deadline:
                _timed("server_start", t0)
                break
            stop_lab(lab, timeout=5)
            lab = None
            if port:
                break
        if lab is None:
            raise RuntimeError(f"jupyter lab did not start; log:\n{log_path.read_text(errors='replace')[-4000:]}")
        yield lab
    finally:
        if lab is not None:
            t0 = time.monotonic()
            lab.stopped_by = stop_lab(lab)
            _timed("server_stop", t0)
            lab.log_text = lab.log()
        if not keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)


# -------------------------------------------------------------------------------------------- browser

def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise FileNotFoundError("chromium not found: apt-get install -y chromium chromium-driver")
    return path


@contextlib.contextmanager
def browser(*, executable_path: str | None = None, args=(), slow_mo: float = 0):
    """Playwright chromium (Debian's binary); always closed. Playwright gives launch() a fresh temporary
    profile itself (it refuses --user-data-dir in args; use launch_persistent_context for a fixed one)."""
    from playwright.sync_api import sync_playwright

    t0 = time.monotonic()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable_path or chromium_path(),
                               args=[*CHROMIUM_ARGS, *args], headless=True, slow_mo=slow_mo)
        _timed("browser_launch", t0)
        try:
            yield b
        finally:
            b.close()


def new_lab_page(b, url: str, token: str, *, path: str = "/lab?reset", viewport=(1400, 1000),
                 timeout_ms: float = 60_000):
    """New page with JupyterLab loaded and restored. page.console_errors collects JS errors."""
    t0 = time.monotonic()
    ctx = b.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="en-US")
    page = ctx.new_page()
    page.set_default_timeout(timeout_ms)
    page.console_errors = []
    page.on("pageerror", lambda e: page.console_errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(f"console: {m.text}"))
    sep = "&" if "?" in path else "?"
    page.goto(f"{url}{path}{sep}token={token}")
    page.wait_for_function("() => !!window.jupyterapp")
    page.evaluate("async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }")
    # the file browser restores ~1 s after app.restored (until then .jp-mod-restoring hides the listing)
    page.wait_for_function("() => { const fb = document.querySelector('.jp-FileBrowser');"
                           " return !fb || !fb.classList.contains('jp-mod-restoring'); }")
    _timed("lab_page_ready", t0)
    return page


# ------------------------------------------------------------------------------------------ notebooks

# JS prelude: the current main-area widget; fails loudly if it is not a notebook panel.
_NB = """
const app = window.jupyterapp;
const w = app.shell.currentWidget;
if (!w || !w.content || !w.content.model || !w.sessionContext) throw new Error('current widget is not a notebook: ' + (w && w.id));
"""


def open_notebook(page, path: str, factory: str | None = None, timeout_ms: float = 60_000) -> str:
    """docmanager:open (factory='Notebook' opens a jupytext .py as a notebook); waits until the model is
    loaded, every cell is in the DOM and the kernel is idle. Returns the panel's DOM id."""
    t0 = time.monotonic()
    wid = page.evaluate(
        """async ({path, factory}) => {
            const app = window.jupyterapp;
            const args = factory ? {path, factory} : {path};
            const w = await app.commands.execute('docmanager:open', args);
            await w.context.ready;
            if (w.sessionContext) await w.sessionContext.ready;
            app.shell.activateById(w.id);
            return w.id;
        }""", {"path": path, "factory": factory})
    page.wait_for_function(
        "(id) => { " + _NB + """
            if (w.id !== id) return false;
            const n = w.content.model.cells.length;
            if (w.content.node.querySelectorAll('.jp-Cell').length !== n) return false;
            const k = w.sessionContext.session && w.sessionContext.session.kernel;
            return !!k && k.status === 'idle';
        }""", arg=wid, timeout=timeout_ms)
    _timed(f"open_notebook({Path(path).suffix}{', ' + factory if factory else ''})", t0)
    return wid


def run_all_and_wait(page, *, clear_first: bool = True, timeout_ms: float = 120_000) -> None:
    """notebook:run-all-cells, then wait until the kernel is idle and every code cell up to the first
    one with an error has an execution count (run-all stops at an error), no [*] prompt is left and
    every output <img> has loaded."""
    t0 = time.monotonic()
    page.evaluate("async () => {" + _NB + """
        if (CLEAR) await app.commands.execute('notebook:clear-all-cell-outputs');
        await app.commands.execute('notebook:run-all-cells');
    }""".replace("CLEAR", "true" if clear_first else "false"))
    page.wait_for_function("() => {" + _NB + """
        const k = w.sessionContext.session && w.sessionContext.session.kernel;
        if (!k || k.status !== 'idle') return false;
        for (const c of w.content.widgets) {
            if (c.model.type !== 'code') continue;
            if (c.model.executionCount == null) return false;
            const prompt = c.node.querySelector('.jp-InputPrompt');
            if (prompt && prompt.textContent.includes('*')) return false;
            const outs = c.model.outputs;
            let err = false;
            for (let i = 0; i < outs.length; i++) if (outs.get(i).type === 'error') err = true;
            if (err) break;
        }
        for (const img of w.content.node.querySelectorAll('.jp-OutputArea-output img'))
            if (!img.complete || img.naturalWidth === 0) return false;
        return true;
    }""", timeout=timeout_ms, polling=100)
    _timed("run_all_and_wait", t0)


def cell_outputs_text(page) -> list[str]:
    """The rendered output text of every cell of the current notebook, read from the DOM (innerText)."""
    return page.evaluate("() => {" + _NB + """
        return w.content.widgets.map(c => Array.from(c.node.querySelectorAll('.jp-OutputArea-output'))
                                             .map(o => o.innerText).join('\\n'));
    }""")


def cell_images(page) -> list[list[dict]]:
    """Per cell: the output <img>s with their natural size."""
    return page.evaluate("() => {" + _NB + """
        return w.content.widgets.map(c => Array.from(c.node.querySelectorAll('.jp-OutputArea-output img'))
              .map(i => ({src: i.src.slice(0, 30), naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight})));
    }""")


def cell_sources(page) -> list[str]:
    """The sources as the notebook model holds them."""
    return page.evaluate("() => {" + _NB + " return w.content.widgets.map(c => c.model.sharedModel.getSource()); }")


def cell_types(page) -> list[str]:
    return page.evaluate("() => {" + _NB + " return w.content.widgets.map(c => c.model.type); }")


def _panel_id(page) -> str:
    return page.evaluate("() => {" + _NB + " return w.id; }")


def set_cell_source(page, index: int, text: str) -> str:
    """Replace cell `index`'s source through the UI: click into its CodeMirror 6 editor, Ctrl+A, type.

    Real key events only: characters with keyboard.type, line breaks with Enter (the auto-indent CodeMirror
    adds is removed before the line's own indentation is typed). CodeMirror may still re-indent a line
    typed as `else:`/`elif`/`except`/`finally:` or starting with a closing bracket (indentOnInput): the
    model's source is returned so a test can compare.
    (keyboard.insert_text("\\n") avoids auto-indent but left extra blank lines at the end of the cell.)"""
    cell = page.locator(f"#{_panel_id(page)} .jp-Notebook .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    if "jp-MarkdownCell" in (cell.get_attribute("class") or "") and \
            cell.locator(".jp-MarkdownOutput:not(.lm-mod-hidden)").count():
        cell.locator(".jp-MarkdownOutput").dblclick()  # rendered markdown -> editor
    editor = cell.locator(".jp-InputArea-editor .cm-content")
    editor.click()
    page.wait_for_function("(el) => el.closest('.cm-editor').classList.contains('cm-focused')",
                           arg=editor.element_handle())
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    for i, line in enumerate(text.split("\n")):
        if i:
            page.keyboard.press("Enter")
            # CodeMirror auto-indents after Enter; select that indentation (Shift+Home from the end of the
            # indentation selects to the line start) and delete it, so the typed indentation is exact.
            if page.evaluate("(i) => {" + _NB + " return w.content.widgets[i].editor.getCursorPosition().column; }", index):
                page.keyboard.press("Shift+Home")
                page.keyboard.press("Backspace")
        if line:
            page.keyboard.type(line)
    return page.evaluate("(i) => {" + _NB + " return w.content.widgets[i].model.sharedModel.getSource(); }", index)


def save(page, *, use_keyboard: bool = True, timeout_ms: float = 30_000) -> None:
    """Ctrl+S (or docmanager:save), then wait until the model is no longer dirty."""
    if use_keyboard:
        page.keyboard.press("Control+s")
    else:
        page.evaluate("async () => { await window.jupyterapp.commands.execute('docmanager:save'); }")
    page.wait_for_function("() => {" + _NB + " return !w.context.model.dirty; }", timeout=timeout_ms)


def shutdown_kernels(lab: Lab) -> int:
    """Shut down every session's kernel of a running server (between tests: 2 cores). Returns how many."""
    sessions = lab.api("/api/sessions")
    for s in sessions:
        lab.api(f"/api/sessions/{s['id']}", method="DELETE")
    return len(sessions)


def execute_command(page, command: str, args: dict | None = None):
    """window.jupyterapp.commands.execute(command, args); returns nothing (results are widgets)."""
    page.evaluate("async ([c, a]) => { await window.jupyterapp.commands.execute(c, a || {}); }", [command, args])


def screenshot(page, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path
