"""What the class got wrong: failure reasons grouped so that one mistake counts once.

A reason is one line of what a graded cell lost its points for ("NotDone: ReLU.forward is not
implemented yet…", "AssertionError: Sigmoid on large float32 inputs … made NumPy report 'overflow
encountered in exp'…"). Two students who made the same mistake on different inputs get messages
that differ only in numbers, arrays, dtypes and shapes; `pattern` blanks those out, and `family`
names the kind of mistake in a few words. Used by `tito report` and the summary after `tito grade`.
"""
import re
from collections import Counter, defaultdict

FAMILIES = [   # first match wins: (words in the reason, family)
    ("not implemented yet", "not implemented yet"),
    ("timed out", "timed out"),
    ("time limit for the whole notebook", "notebook ran out of time"),
    ("could not use your answer", "answer of the wrong kind"),
    ("its message should name", "error message too vague"),
    ("KernelHung", "ignored the interrupt (hung)"),
    ("KernelDied", "crashed the kernel"),
    ("overflow encountered", "overflow"),
    ("invalid value encountered", "invalid value (nan) warning"),
    ("divide by zero encountered", "division by zero warning"),
    ("wrote to stderr", "wrote to stderr"),
    ("keep the dtype", "dtype not kept"),
    ("keep the shape", "shape not kept"),
    ("expected shape", "shape not kept"),
    ("changed its input", "changed its input"),
    ("returned its input", "returned its input"),
    ("must return a Tensor", "did not return a Tensor"),
    ("No module named", "imported a module that is not there"),
    ("TrustedCheckFailed", "passed its own test, failed the trusted check"),
    ("but nothing was raised", "missing error check"),
    ("expected a ", "wrong error raised"),
    ("expected", "wrong values"),
]

_ARRAY = re.compile(r"\[[^\[\]]*(\[[^\[\]]*\][^\[\]]*)*\]")
_NUMBER = re.compile(r"(?<![A-Za-z_])[-+−]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+|inf|nan)(?![A-Za-z_])", re.I)
_DTYPE = re.compile(r"float(16|32|64)|int(8|16|32|64)")


def family(reason):
    """The kind of mistake a reason describes, in a few words."""
    for words, name in FAMILIES:
        if words in reason:
            return name
    return reason.split(":", 1)[0] or "other"


def pattern(reason):
    """The reason with its inputs blanked out: arrays → […], numbers → #, dtypes → float."""
    text = _ARRAY.sub("[…]", reason)
    text = _DTYPE.sub("float", text)
    text = _NUMBER.sub("#", text)
    return re.sub(r"\s+", " ", text).strip()[:220]


def group(failures):
    """failures: [(student, [reasons])] of one graded cell. Returns [(family, pattern, count of
    students, example student, example reason)], the most common first; a student counts once
    per pattern however many inputs showed the mistake."""
    students = defaultdict(set)
    example = {}
    for student, reasons in failures:
        for reason in reasons:
            key = (family(reason), pattern(reason))
            students[key].add(student)
            example.setdefault(key, (student, reason))
    ranked = sorted(students, key=lambda k: (-len(students[k]), k))
    return [(k[0], k[1], len(students[k]), *example[k]) for k in ranked]


def cell_summary(results):
    """{grade_id: (points, pass rate, failing students, top (family, count))} from GradingResults."""
    summary = {}
    graded = [r for r in results if r.graded]
    for grade_id in dict.fromkeys(g for r in graded for g in r.cells):
        cells = [(r.student, r.cells[grade_id]) for r in graded if grade_id in r.cells]
        failing = [(s, c.messages or ["lost points (no message)"]) for s, c in cells if c.score < c.max_score]
        families = Counter(family(reasons[0]) for _, reasons in failing)
        summary[grade_id] = (cells[0][1].max_score, 1 - len(failing) / len(cells), len(failing),
                             families.most_common(1)[0] if families else None)
    return summary
