import { parseImageSize } from './image_size';

test("'n' is square, 'h,w' is height then width; anything else says what is expected", () => {
  expect(parseImageSize('224')).toEqual([224, 224]);
  expect(parseImageSize('32, 48')).toEqual([32, 48]);
  for (const bad of ['', '0', '1.5', '2,3,4', 'x', '32,', '20000']) expect(() => parseImageSize(bad)).toThrow(/expected n or height,width \(integers 1-16384\)/);
});
