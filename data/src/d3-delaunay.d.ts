/** Minimal typings for the parts of d3-delaunay 6 used by the generator. */
declare module 'd3-delaunay' {
  export class Delaunay<P = [number, number]> {
    static from(points: ArrayLike<number>[] | Iterable<[number, number]>): Delaunay<[number, number]>;
    constructor(points: Float64Array | number[]);
    points: Float64Array;
    triangles: Uint32Array;
    halfedges: Int32Array;
    find(x: number, y: number, i?: number): number;
    neighbors(i: number): IterableIterator<number>;
    voronoi(bounds?: [number, number, number, number]): Voronoi<P>;
  }
  export class Voronoi<P> {
    delaunay: Delaunay<P>;
    circumcenters: Float64Array;
    cellPolygon(i: number): [number, number][] | null;
  }
}
