import type { StrataApi } from '../../preload/contract';

declare global {
  interface Window {
    /** The narrow bridge the preload exposes; the renderer's only way to reach main. */
    readonly strata: StrataApi;
  }
}

export {};
