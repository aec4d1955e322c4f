/** Data: MNIST, synthetic pattern sets, corruptions. @module */
export * from "./corrupt.ts";
export * from "./mnist.ts";
export * from "./synthetic.ts";
export * from "./bit_patterns.ts";
export * from "./mnist_bags.ts";
