/** regions.level: the level of a GB/T 2260 division (and of the statistical township codes). */
export enum RegionLevel {
  Province = 1,
  City = 2,
  County = 3,
  Township = 4,
}

/** A division of the catalogue as people see it. */
export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
}
