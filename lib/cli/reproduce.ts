/**
 * `deno task reproduce [--scale smoke|quick|paper] [--figures DIR] [notebook …]`: executes the notebooks
 * headlessly with the Deno kernel through Jupyter (nbclient), printing progress (notebook, cell, elapsed).
 * The figures land in `figures/` (or DIR); executed copies in `.cache/notebooks/`. Exits non-zero naming the
 * notebook and cell when any cell fails.
 *
 * @module
 */
import { parseScale, type Scale, scaleFromEnv } from "../experiments/scale.ts";
import { Flags, parseArgs } from "./args.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

// nbclient driver: runs one notebook, prints one JSON line per event: cell starts, the experiments' progress (its
// display updates, or stderr lines), errors. Python is used only through Jupyter.
const DRIVER = `
import json, sys, time, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
path, out, cwd, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
nb = nbformat.read(path, as_version=4)
code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
t0 = time.time()
def emit(**k):
    print(json.dumps(k), flush=True)
def start(cell, cell_index, **_):
    if cell_index in code:
        emit(event="start", cell=code.index(cell_index) + 1, cells=len(code), t=time.time() - t0)
class Client(NotebookClient):
    def process_message(self, msg, cell, cell_index):
        content = msg.get("content", {})
        kind = msg.get("msg_type")
        # Progress: a display kept updated in place (lib/experiments/scale.ts), or stderr lines.
        if kind in ("display_data", "update_display_data") and "hopfield-progress" in content.get("metadata", {}):
            emit(event="progress", text=content.get("data", {}).get("text/plain", ""), t=time.time() - t0)
        elif kind == "stream" and content.get("name") == "stderr":
            for line in content.get("text", "").splitlines():
                if line.strip():
                    emit(event="progress", text=line, t=time.time() - t0)
        return super().process_message(msg, cell, cell_index)
client = Client(nb, timeout=None if timeout <= 0 else timeout, kernel_name="deno",
                resources={"metadata": {"path": cwd}}, on_cell_start=start)
try:
    client.execute()
    ok = True
except CellExecutionError as e:
    ok = False
    emit(event="error", message=str(e)[-4000:])
nbformat.write(nb, out)
emit(event="done", ok=ok, t=time.time() - t0)
sys.exit(0 if ok else 1)
`;

/** Seconds a cell may run at each scale before Jupyter stops it (0: no limit; `paper` runs the papers' sizes). */
const CELL_TIMEOUT = { smoke: 600, quick: 1800, paper: 0 } as const;

/** Notebooks in `notebooks/`, in order. */
export function listNotebooks(): string[] {
  return [...Deno.readDirSync(`${ROOT}notebooks`)].filter((e) => e.name.endsWith(".ipynb")).map((e) => e.name)
    .sort();
}

/** Runs one notebook; returns whether every cell succeeded. */
async function runNotebook(name: string, scale: Scale, env: Record<string, string>): Promise<boolean> {
  await Deno.mkdir(`${ROOT}.cache/notebooks`, { recursive: true });
  const child = new Deno.Command("/usr/bin/python3", {
    args: [
      "-c",
      DRIVER,
      `${ROOT}notebooks/${name}`,
      `${ROOT}.cache/notebooks/${name}`,
      `${ROOT}notebooks`,
      String(CELL_TIMEOUT[scale]),
    ],
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Ctrl-C or a kill of this process reaches the driver, and nbclient shuts its kernel down.
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  let stopped = false;
  const forward = () => {
    stopped = true;
    child.kill("SIGTERM");
  };
  for (const s of signals) Deno.addSignalListener(s, forward);
  let ok = false, cell = 0, said = false;
  // Jupyter's own messages (a kernel that is not registered, say): kept, and shown if the notebook fails.
  let log = "";
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (text) => void (log = (log + text).slice(-8000)) }),
  );
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of child.stdout) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let ev: {
        event: string;
        cell?: number;
        cells?: number;
        t?: number;
        ok?: boolean;
        message?: string;
        text?: string;
      };
      try {
        ev = JSON.parse(line);
      } catch {
        continue;
      }
      if (ev.event === "start") {
        cell = ev.cell ?? 0;
        console.error(`  ${name}: cell ${ev.cell}/${ev.cells} (${ev.t?.toFixed(1)} s)`);
      } else if (ev.event === "progress") {
        console.error(`    ${ev.text}`);
      } else if (ev.event === "error") {
        said = true;
        console.error(`FAILED: ${name}, code cell ${cell}:\n${ev.message}`);
      } else if (ev.event === "done") {
        ok = ev.ok === true;
        console.error(`  ${name}: ${ok ? "ok" : "FAILED"} in ${ev.t?.toFixed(1)} s`);
      }
    }
  }
  await stderr;
  const status = await child.status;
  for (const s of signals) Deno.removeSignalListener(s, forward);
  if (stopped) {
    console.error(`reproduce: stopped by a signal during ${name}`);
    Deno.exit(130);
  }
  if (!(ok && status.success) && !said) {
    console.error(`FAILED: ${name}, before or between cells (Jupyter said):\n${log.trim() || "(nothing)"}`);
  }
  return ok && status.success;
}

/** Parses the command line and runs the notebooks; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let scale: Scale, figures: string | undefined, names: string[];
  try {
    const args = parseArgs(argv);
    const flags = new Flags(args, "reproduce", ["scale", "figures"]);
    scale = flags.has("scale") ? parseScale(flags.string("scale")) : scaleFromEnv();
    figures = flags.has("figures") ? flags.string("figures") : undefined;
    const all = listNotebooks();
    names = args.positional.length ? args.positional.map((p) => p.replace(/^.*\//, "")) : all;
    const unknown = names.filter((n) => !all.includes(n) && !all.includes(n + ".ipynb"));
    if (unknown.length) {
      throw new RangeError(
        `Cannot reproduce: unknown notebook(s): ${unknown.join(", ")} (have: ${all.join(", ")})`,
      );
    }
    names = names.map((n) => (all.includes(n) ? n : n + ".ipynb"));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const env: Record<string, string> = { HOPFIELD_SCALE: scale };
  if (figures) env.HOPFIELD_FIGURES = figures.startsWith("/") ? figures : `${Deno.cwd()}/${figures}`;
  console.error(`reproduce: ${names.length} notebook(s) at scale ${scale}`);
  // Kernels are stopped by Jupyter, not ended normally, so the XDG_RUNTIME_DIR that GpuContext.create would make in
  // each is made once here and removed after the last notebook.
  const xdg = Deno.env.get("XDG_RUNTIME_DIR") ? undefined : await Deno.makeTempDir({ prefix: "xdg-" });
  if (xdg) env.XDG_RUNTIME_DIR = xdg;
  const t0 = performance.now();
  const failed: string[] = [];
  try {
    for (const name of names) if (!(await runNotebook(name, scale, env))) failed.push(name);
  } finally {
    if (xdg) await Deno.remove(xdg, { recursive: true });
  }
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (failed.length) {
    console.error(`reproduce: ${failed.length} notebook(s) failed: ${failed.join(", ")} (${s} s)`);
    return 1;
  }
  console.error(`reproduce: all ${names.length} notebook(s) ran at scale ${scale} in ${s} s`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
