// Schema helpers shared by routes.
import { z } from 'zod';

/**
 * A PATCH body from a create body: every field optional and — unlike `.partial()`, which keeps
 * `.default()`s — absent fields stay absent, so a PATCH never resets what it didn't mention.
 */
export function patchOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const f = field as z.ZodType;
    shape[key] = (f instanceof z.ZodDefault ? (f.unwrap() as z.ZodType) : f).optional();
  }
  return z.object(shape) as unknown as z.ZodObject<{ [K in keyof T]: z.ZodOptional<T[K] extends z.ZodDefault<infer I> ? I : T[K]> }>;
}
