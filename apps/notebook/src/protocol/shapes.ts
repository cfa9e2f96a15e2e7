// Shapes of JSON messages, each one declaration giving both the TypeScript type (Infer) and the
// check at the boundary: a value that does not fit is a MessageError naming the path that failed.

export class MessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MessageError';
  }
}

export interface Shape<T> {
  check(value: unknown, path: string): T;
}

export type Infer<S> = S extends Shape<infer T> ? T : never;

const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value);

const fail = (path: string, expected: string, value: unknown): never => {
  throw new MessageError(`${path}: expected ${expected}, got ${describe(value)}`);
};

const primitive = <T>(type: 'string' | 'boolean'): Shape<T> => ({ check: (v, path) => (typeof v === type ? (v as T) : fail(path, `a ${type}`, v)) });

export const string = primitive<string>('string');
export const boolean = primitive<boolean>('boolean');
/** A finite number (JSON has no NaN or infinity). */
export const number: Shape<number> = { check: (v, path) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(path, 'a number', v)) };

/** A string, a number or a switch: a form's value. */
export const plain: Shape<string | number | boolean> = {
  check: (v, path) => (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? v : fail(path, 'a string, number or boolean', v)),
};

export const literal = <const T extends string | number | boolean>(...values: T[]): Shape<T> => ({
  check: (v, path) => (values.includes(v as T) ? (v as T) : fail(path, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v)),
});

export const optional = <T>(shape: Shape<T>): Shape<T | undefined> => ({ check: (v, path) => (v === undefined ? undefined : shape.check(v, path)) });
export const nullable = <T>(shape: Shape<T>): Shape<T | null> => ({ check: (v, path) => (v === null ? null : shape.check(v, path)) });
export const array = <T>(item: Shape<T>): Shape<T[]> => ({
  check: (v, path) => (Array.isArray(v) ? v.map((x, i) => item.check(x, `${path}[${i}]`)) : fail(path, 'an array', v)),
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Any object, kept whole (checked further where its kind is known). */
export const anyObject: Shape<Record<string, unknown>> = { check: (v, path) => (isObject(v) ? v : fail(path, 'an object', v)) };

/** Any string keys, each value of one shape. */
export const record = <T>(value: Shape<T>): Shape<Record<string, T>> => ({
  check: (v, path) => (isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value.check(x, `${path}.${k}`)])) : fail(path, 'an object', v)),
});

type Fields = Record<string, Shape<unknown>>;
type Optional<F extends Fields> = { [K in keyof F]: undefined extends Infer<F[K]> ? K : never }[keyof F];
type ObjectOf<F extends Fields> = { [K in Exclude<keyof F, Optional<F>>]: Infer<F[K]> } & { [K in Optional<F>]?: Infer<F[K]> };

/** An object with these fields (others are dropped: what is not declared is not read). */
export const object = <F extends Fields>(fields: F): Shape<ObjectOf<F>> & { fields: F } => ({
  fields,
  check: (v, path) => {
    if (!isObject(v)) return fail(path, 'an object', v);
    const checked: Record<string, unknown> = {};
    for (const [key, shape] of Object.entries(fields)) {
      const value = shape.check(v[key], `${path}.${key}`);
      if (value !== undefined) checked[key] = value;
    }
    return checked as ObjectOf<F>;
  },
});
