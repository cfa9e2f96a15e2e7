// Test helper: one batch of four 1x3 grey images of three classes, small enough to compute a
// training step on by hand: the images, their labels, and the pixels as the model sees them (/255).
import type { LabeledImages } from '@sparse-ternary/datasets';

export const [N, FEATURES, CLASSES] = [4, 3, 3];
const pixels = [12, 200, 80, 255, 0, 40, 90, 91, 250, 30, 160, 5];
export const labels = [2, 0, 1, 2];
export const data: LabeledImages = { images: Uint8Array.from(pixels), labels: Uint8Array.from(labels), count: N, imageShape: [1, FEATURES, 1], numClasses: CLASSES };
export const x = pixels.map((v) => v / 255);
