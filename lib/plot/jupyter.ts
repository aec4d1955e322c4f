/**
 * The Jupyter kernel's messaging, where there is one: `Deno.jupyter` exists only under `deno jupyter` (reading it
 * elsewhere throws). Tables, sliders and progress lines use it to send displays while a cell runs.
 *
 * @module
 */

/** What this workbench uses of `Deno.jupyter`. */
export interface JupyterKernel {
  /** Sends a message on the kernel's IOPub channel (`display_data`, `update_display_data`, …). */
  broadcast(type: string, content: Record<string, unknown>): unknown;
}

/**
 * The kernel, or null outside one.
 *
 * @example
 * ```ts
 * import { jupyterKernel } from "./jupyter.ts";
 * import assert from "node:assert/strict";
 * assert.equal(jupyterKernel(), null); // deno test runs outside a kernel
 * ```
 */
export function jupyterKernel(): JupyterKernel | null {
  try {
    // deno-lint-ignore no-explicit-any
    const j = (Deno as any).jupyter;
    return typeof j?.broadcast === "function" ? j : null;
  } catch {
    return null;
  }
}

/**
 * Sends a display with these representations (`display_data`, or `update_display_data` of an earlier display
 * with the same `displayId`); false when there is no kernel or the send failed.
 */
export async function displayInKernel(
  data: Record<string, string>,
  options: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> } = {},
): Promise<boolean> {
  const kernel = jupyterKernel();
  if (!kernel) return false;
  try {
    await kernel.broadcast(options.update ? "update_display_data" : "display_data", {
      data,
      metadata: options.metadata ?? {},
      transient: options.displayId ? { display_id: options.displayId } : {},
    });
    return true;
  } catch {
    return false;
  }
}
