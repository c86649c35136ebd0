"""What hostile students hand in: the cheats and attacks the grader must withstand.

Each entry is code a student could paste into a cell of their notebook. `tito samples` builds the
sample hand-ins from them and the tests grade those for real through `tito grade`.

- CHEATS go into the *untouched* copy (nothing implemented), in its first solution cell: each tries to make the graded cells
  pass anyway. Each must score at most 10 % of the maximum.
- ATTACKS go into the *reference* solution (everything implemented), into the ungraded profiler
  cell: each tries to harm the grading machine, other students or the course. Each must be
  contained — the rest of its notebook graded (full marks), the batch finished, nothing changed
  outside the job, no process left running.

The README's threat model table says which sandbox layer stops each one.
"""

FIND_FILES = '''
import glob, os
from pathlib import Path
_roots = ["/work", "/root", "/home", "/srv", "/opt", "/var", "/tmp", "/run", "/mnt"] + [str(p) for p in Path.cwd().parents if str(p) != "/"]
def _find(pattern):
    found = []
    for root in _roots:
        try:
            found += [p for p in glob.glob(f"{root}/**/{pattern}", recursive=True) if not p.startswith("/job/")][:20]
        except OSError:
            pass
    return sorted(set(found))
'''

CHEATS = {
    # a hook that rewrites every later cell — the locked tests included — into `pass`
    "cheat_input_transformer": (
        "relu-class", "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])"),
    "cheat_ast_transformer": ("relu-class", '''
import ast
class _Nothing(ast.NodeTransformer):
    def visit_Module(self, node):
        return ast.Module(body=[ast.Pass()], type_ignores=[])
get_ipython().ast_transformers.append(_Nothing())'''),
    # every error is swallowed, so no failing test shows an error
    "cheat_custom_exception_handler": (
        "relu-class", "get_ipython().set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)"),
    "cheat_no_traceback": ("relu-class", '''
_shell = get_ipython()
_shell.showtraceback = lambda *args, **kwargs: None
_shell._showtraceback = lambda *args, **kwargs: None'''),
    # the shared test helpers replaced by ones that accept anything
    "cheat_redefined_helpers": ("relu-class", '''
def expect_forward(activation, x, *args, **kwargs):
    return np.zeros(1)
def run_forward(activation, x, *args, **kwargs):
    return Tensor(np.array(x.data, copy=True))
def run_backward(activation, grad, *args, **kwargs):
    return Tensor(np.array(grad.data, copy=True))
def expect_close(*args, **kwargs):
    pass
def check_dtypes(*args, **kwargs):
    pass
def expect_error(*args, **kwargs):
    pass
def passes(test):
    return True'''),
    # NumPy's comparisons made to say yes, and every activation made the identity after each cell
    "cheat_patched_numpy": ("relu-class", '''
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, dtype=bool)
np.allclose = np.array_equal = lambda *args, **kwargs: True
def _identity_everywhere(result=None):
    names = get_ipython().user_ns
    for name in ["ReLU", "Sigmoid", "Tanh", "Softmax", "LeakyReLU", "SiLU", "GELU"]:
        if name in names:
            names[name].forward = lambda self, x: Tensor(np.array(x.data, copy=True))
            names[name].backward = lambda self, g: Tensor(np.array(getattr(g, "data", g), copy=True))
    if "_sigmoid" in names:
        names["_sigmoid"] = lambda a: np.array(a, copy=True)
get_ipython().events.register("post_run_cell", _identity_everywhere)'''),
    # everything zeros — consistent with itself (σ = 0, so SiLU = x·σ = 0; y = 0, so y·(1 − y)·g = 0) —
    # with errors swallowed: a check that took the student's own values as the truth would pass it
    "cheat_consistent_zeros": ("relu-class", '''
get_ipython().set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)
def _zeros_everywhere(result=None):
    names = get_ipython().user_ns
    for name in ["ReLU", "Sigmoid", "Tanh", "Softmax", "LeakyReLU", "SiLU", "GELU"]:
        if name in names:
            names[name].forward = lambda self, x: Tensor(np.zeros_like(x.data))
            names[name].backward = lambda self, g: Tensor(np.zeros_like(self.output.data))
    if "_sigmoid" in names:
        names["_sigmoid"] = lambda a: np.zeros_like(a)
get_ipython().events.register("post_run_cell", _zeros_everywhere)'''),
    # a result that equals anything
    "cheat_always_equal": ("relu-class", '''
class _Anything(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = float.__hash__
ReLU.forward = lambda self, x: Tensor(np.array([_Anything(0)] * x.size).reshape(x.shape).astype(np.float64))'''),
    # the instructor's solutions, wherever they may be on the grading machine
    "cheat_read_reference": ("relu-class", FIND_FILES + '''
_sources = _find("activations_dev.py") + _find("activations.py")
print("reference files found:", _sources)
for _path in _sources:
    try:
        exec(open(_path).read())
    except Exception as _error:
        print("could not use", _path, _error)'''),
    # another student's hand-in
    "cheat_read_other_student": ("relu-class", FIND_FILES + '''
import json
_others = [p for p in _find("*.ipynb") if "submitted" in p or "autograded" in p or "reference" in p]
print("other hand-ins found:", _others)
for _path in _others:
    try:
        for _cell in json.load(open(_path))["cells"]:
            if "class ReLU" in "".join(_cell["source"]) or "def _sigmoid" in "".join(_cell["source"]):
                exec("".join(_cell["source"]))
    except Exception as _error:
        print("could not use", _path, _error)'''),
}

ATTACKS = {
    "attack_memory": '''
try:
    _hog = np.ones(2**32)                       # 32 GiB
except MemoryError:
    print("memory: refused (MemoryError)")''',
    # each child under the per-process limit, together far over it: only a limit for the whole job holds
    "attack_memory_together": '''
import os, time
print("memory together: 3 children take 500 MiB each, 1.5 GiB in all", flush=True)
_children = []
for _i in range(3):
    _pid = os.fork()
    if _pid == 0:
        try:
            _hog = np.ones(500 * 2**17)             # 500 MiB, held while the others take theirs
            time.sleep(0.5)
            os._exit(0)
        except MemoryError:
            os._exit(3)
    _children.append(_pid)
_ended = [os.waitstatus_to_exitcode(os.waitpid(_pid, 0)[1]) for _pid in _children]
print(f"memory together: {_ended.count(0)} held it, {_ended.count(-9)} were killed")''',
    "attack_fork_bomb": '''
import os, time
_children = 0
try:
    while True:
        if os.fork() == 0:
            while True:                         # each child sleeps forever
                time.sleep(1)
        _children += 1
except OSError as _error:
    print(f"fork: stopped after {_children} children ({_error})")''',
    "attack_fill_disk": '''
for _i in range(10):
    try:
        with open(f"filler-{_i}", "wb") as _f:
            for _ in range(100):
                _f.write(b"\\0" * 2**20)         # 100 MiB per file, 1 GiB in all
    except OSError as _error:
        print(f"disk: file {_i} refused ({_error})")''',
    "attack_network": '''
import socket
for _address in [("pypi.org", 443), ("1.1.1.1", 53), ("127.0.0.1", 22), ("10.0.0.1", 80)]:
    try:
        socket.create_connection(_address, timeout=3).close()
        print("network: CONNECTED to", _address)
    except OSError as _error:
        print("network:", _address, "refused:", _error)''',
    "attack_big_print": '''
print("x" * 100_000_000)                       # 100 MB of output''',
    "attack_sigint_sleep": '''
import signal, time
signal.signal(signal.SIGINT, signal.SIG_IGN)     # the timeout's interrupt is ignored
time.sleep(10**6)''',
    "attack_write_course": FIND_FILES + '''
for _pattern in ["gradebook.db", "activations_dev.py", "activations.py", "tensor.py", "*.zip"]:
    for _path in _find(_pattern):
        try:
            with open(_path, "a") as _f:
                _f.write("\\n# tampered\\n")
            print("write: TAMPERED WITH", _path)
        except OSError as _error:
            print("write:", _path, "refused:", _error)
print("write: done")''',
    # script in the outputs (and, see MARKDOWN_SCRIPT, in a markdown cell): it would run wherever the
    # feedback page is opened — in the formgrader, with the instructor's session
    "attack_script_in_feedback": '''
from IPython.display import HTML, Javascript, Markdown, display
display(HTML("<b>bold</b><script>document.title = 'PWNED-html'</script>"))
display(Javascript("document.title = 'PWNED-js'"))
display(Markdown("<img src=x onerror=\\"document.title = 'PWNED-md-output'\\">"))
print("script: shown")''',
}

# a markdown cell the attack_script_in_feedback sample adds to its notebook
MARKDOWN_SCRIPT = "Notes <script>document.title = 'PWNED-markdown'</script> <a href=\"javascript:alert(1)\">x</a>"
