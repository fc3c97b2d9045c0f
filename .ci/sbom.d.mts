export interface CycloneDxLicenseChoice {
  expression?: string;
  license?: { id?: string; name?: string };
}

export interface CycloneDxComponent {
  'bom-ref'?: string;
  group?: string;
  name: string;
  version: string;
  licenses?: CycloneDxLicenseChoice[];
}

export interface CycloneDxBom {
  bomFormat: string;
  specVersion: string;
  metadata?: { component?: { name: string } };
  components?: CycloneDxComponent[];
}

export function componentsWithoutLicense(bom: CycloneDxBom): string[];
export function withLegacyLicenses(bom: CycloneDxBom, projectDir: string): CycloneDxBom;
export function productionSbom(projectDir: string): CycloneDxBom;
