// Walking the epoch's batch generator: past the batches an interrupted epoch already trained, and
// a group at a time for the compiled step's runs.

/** The items after the first `count`. */
export function* after<T>(items: Iterable<T>, count: number): Generator<T> {
  let index = 0;
  for (const item of items) if (index++ >= count) yield item;
}

/**
 * The items `size` at a time (the last group may be smaller), each as `keep` makes it when taken:
 * what must outlive the next item (the pipeline disposes a batch's tensors when the next is taken).
 */
export function* grouped<T, U>(items: Iterable<T>, size: number, keep: (item: T) => U): Generator<U[]> {
  let group: U[] = [];
  for (const item of items) {
    group.push(keep(item));
    if (group.length === size) {
      yield group;
      group = [];
    }
  }
  if (group.length) yield group;
}
