/**
 * The shape a translation of a namespace must have: the zh-CN file's keys, any strings. Each
 * en-US.ts is typed `Messages<typeof zhCN>`, so a missing or extra key fails the typecheck.
 */
export type Messages<T> = { [K in keyof T]: T[K] extends string ? string : Messages<T[K]> };
