/**
 * `deno task notebook [--port P]`: installs what the notebooks need (as `setup.ts`; the classic Notebook server
 * from Debian as well), registers the Deno kernel, and serves `notebooks/` on 127.0.0.1, printing the URL to open.
 * Stop it with Ctrl-C.
 *
 * @module
 */
import { parseArgs } from "./args.ts";
import { NOTEBOOK_PACKAGE, setup } from "./setup.ts";
import { startNotebookServer } from "./notebook_server.ts";

if (import.meta.main) {
  const args = parseArgs(Deno.args);
  if (args.positional.length > 0) {
    console.error(
      `Cannot start the notebook server: unexpected argument ${args.positional[0]} (only --port)`,
    );
    Deno.exit(2);
  }
  for (const [flag] of args.flags) {
    if (flag !== "port") {
      console.error(`Cannot start the notebook server: unknown flag --${flag} (only --port)`);
      Deno.exit(2);
    }
  }
  const code = setup([NOTEBOOK_PACKAGE]);
  if (code !== 0) Deno.exit(code);
  const portFlag = args.flags.get("port");
  try {
    const server = await startNotebookServer({ port: portFlag ? Number(portFlag) : 8888 });
    console.log(`\nHopfield Workbench notebooks: ${server.url}\n(Deno kernel; Ctrl-C stops the server)\n`);
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(signal, async () => {
        await server.stop();
        Deno.exit(0);
      });
    }
  } catch (e) {
    console.error((e as Error).message);
    Deno.exit(1);
  }
}
