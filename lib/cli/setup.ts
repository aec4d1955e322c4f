/**
 * Makes a fresh machine ready for the notebooks and tests: the npm packages (`deno install`), Jupyter's
 * nbclient/nbconvert, the system BLAS and the Vulkan driver (Debian packages, installed with apt-get when
 * running as root, else named in one message with the exact command), and the Deno Jupyter kernelspec.
 *
 * @module
 */

/** Debian packages the workbench uses, and how to tell that each is present. */
export const APT_PACKAGES = [
  { name: "jupyter-nbconvert", present: () => exists("/usr/bin/jupyter-nbconvert") },
  { name: "python3-nbclient", present: () => run(["/usr/bin/python3", "-c", "import nbclient, nbformat"]) },
  { name: "libopenblas0-pthread", present: () => libraryPresent("libopenblas.so.0") },
  {
    name: "mesa-vulkan-drivers",
    present: () =>
      exists("/usr/share/vulkan/icd.d/lvp_icd.x86_64.json") ||
      exists("/usr/share/vulkan/icd.d/lvp_icd.json") || Deno.build.os !== "linux",
  },
];

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function run(cmd: string[], quiet = true): boolean {
  try {
    const out = new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      stdout: quiet ? "null" : "inherit",
      stderr: quiet ? "null" : "inherit",
    }).outputSync();
    return out.success;
  } catch {
    return false;
  }
}

function libraryPresent(name: string): boolean {
  try {
    Deno.dlopen(name, {}).close();
    return true;
  } catch {
    return false;
  }
}

function isRoot(): boolean {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
}

/** A Debian package and how to tell that it is present. */
export interface AptPackage {
  /** The package's name. */
  name: string;
  /** Whether it is installed. */
  present(): boolean;
}

/** The classic Jupyter Notebook server (JupyterLab is not packaged by Debian 12). */
export const NOTEBOOK_PACKAGE: AptPackage = {
  name: "jupyter-notebook",
  present: () => exists("/usr/bin/jupyter-notebook"),
};

/** Debian's Chromium, for the browser test of the notebook server. */
export const CHROMIUM_PACKAGE: AptPackage = {
  name: "chromium",
  present: () => exists("/usr/bin/chromium"),
};

/** Installs what is missing (the workbench's packages and `extra`); returns the exit code. */
export function setup(extra: AptPackage[] = []): number {
  const say = (m: string) => console.error(`[setup] ${m}`);
  if (!run([Deno.execPath(), "install", "--quiet"], false)) {
    say("`deno install` failed: the npm packages in deno.json could not be fetched.");
    return 1;
  }
  const missing = [...APT_PACKAGES, ...extra].filter((p) => !p.present()).map((p) => p.name);
  if (missing.length > 0) {
    const command = `apt-get update && apt-get install -y ${missing.join(" ")}`;
    if (Deno.build.os === "linux" && isRoot() && exists("/usr/bin/apt-get")) {
      say(`installing ${missing.join(", ")} …`);
      const env = { DEBIAN_FRONTEND: "noninteractive" };
      const update = new Deno.Command("apt-get", { args: ["update", "-q"], env, stdout: "null" })
        .outputSync();
      const install = update.success &&
        new Deno.Command("apt-get", { args: ["install", "-y", "-q", ...missing], env, stdout: "null" })
          .outputSync().success;
      if (!install) {
        say(`could not install them. Run as root: ${command}`);
        return 1;
      }
    } else {
      say(`missing: ${missing.join(", ")}. Install them (Debian/Ubuntu, as root): ${command}`);
      return 1;
    }
  }
  if (!run([Deno.execPath(), "jupyter", "--install", "--force"])) {
    say("`deno jupyter --install` failed: the notebooks cannot run without the Deno kernelspec.");
    return 1;
  }
  return 0;
}

if (import.meta.main) Deno.exit(setup());
