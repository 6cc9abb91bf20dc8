"""Quick check used while writing the catalog: every `text:` quote in the given YAML files
must appear verbatim (whitespace folded) in its source. `policybench validate --sources`
does the full check; this script only needs PyYAML."""
import re, sys, pathlib, yaml
SEEDS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "seeds"
FILES = {"glosserman-snyder-2015": "000_019f12bbb9b319b9.txt", "glosserman-2018": "001_a2f3abc2dd5c69ac.txt",
         "sheen-2003": "002_674ccde8731c1fbd.txt", "wong-2016": "003_1a4fc68d1df89a8f.txt",
         "nishino-2017": "004_619887759c692b52.txt"}
fold = lambda s: re.sub(r"\s+", " ", s).strip()
texts = {k: fold((SEEDS / v).read_text(encoding="utf-8")) for k, v in FILES.items()}
bad = 0
def walk(node, path, fn):
    global bad
    if isinstance(node, dict):
        if "text" in node and "source" in node:
            src, q = node["source"], fold(str(node["text"]))
            if src not in texts: print(f"{fn}:{path}: unknown source {src!r}"); bad += 1
            elif q not in texts[src]:
                hits = [k for k, t in texts.items() if q in t]
                print(f"{fn}:{path}: NOT VERBATIM in {src}" + (f" (found in {hits})" if hits else "") + f": {q[:90]!r}"); bad += 1
        for k, v in node.items(): walk(v, f"{path}.{k}", fn)
    elif isinstance(node, list):
        for i, v in enumerate(node): walk(v, f"{path}[{i}]", fn)
for fn in sys.argv[1:]:
    walk(yaml.safe_load(open(fn, encoding="utf-8")), "", fn)
print("ok" if not bad else f"{bad} bad quote(s)"); sys.exit(1 if bad else 0)
