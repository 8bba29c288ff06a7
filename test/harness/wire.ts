/**
 * How the end-to-end bridge writes values on the wire. Electron's IPC carries
 * values by structured clone, which keeps what JSON loses (undefined, NaN,
 * Infinity, -0, Dates, Maps, Sets); devalue keeps the same, so a test on the
 * bridge sees exactly what the app would. Like structured clone, it refuses
 * functions and symbols rather than dropping them.
 */
import { parse, stringify } from 'devalue';

export const encode = (value: unknown): string => stringify(value);
export const decode = (text: string): unknown => parse(text);
