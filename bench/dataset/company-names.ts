import type { SeededRandom } from './seeded-random.js';

const words = (text: string): readonly string[] => text.trim().split(/\s+/);

// A name is "<brand> <trade> <legal form>". With 100 brands drawn uniformly, searching
// for one brand hits about 1 % of any guest's hosts, as a user looking for a company does.
const BRANDS = words(`
  Acme Apex Arbor Aspen Atlas Aurora Beacon Birch Blueridge Boulder Bridgewater Brightline
  Cascade Cedar Citadel Clearwater Cobalt Compass Copperfield Coral Crescent Crystal Delta
  Driftwood Eagle Elm Emerald Evergreen Falcon Fjord Foxglove Frontier Galaxy Garnet
  Glacier Golden Granite Greenfield Harbor Hawthorn Heritage Highland Horizon Indigo Iron
  Ivory Jade Juniper Keystone Kingfisher Lakeside Lantern Laurel Liberty Lighthouse Lotus
  Magnolia Maple Marble Meadow Meridian Mesa Monarch Nimbus Northwind Oakmont Obsidian
  Olympus Onyx Orchid Osprey Pacific Pinnacle Pioneer Polaris Prairie Quillon Radiant
  Redwood Riverbend Sable Sapphire Sequoia Sierra Silverleaf Skyline Sterling Summit
  Sunrise Tidewater Timber Topaz Trident Tundra Umber Vanguard Verdant Willow Zenith
  Zephyr
`);

const TRADES = words(`
  Freight Logistics Capital Foods Textiles Analytics Engineering Pharma Energy Motors
  Software Farms Shipping Steel Plastics Furniture Paper Chemicals Electronics
  Construction Dairy Brewing Apparel Packaging Robotics Solar Timberworks Mining Aviation
  Marine Medical Optics Printing Retail Trading Tooling Wholesale Imports Exports
  Outfitters Bakeries Ceramics Glassworks Instruments Machinery Nutrition Orchards
  Pipelines Storage Telecom
`);

const LEGAL_FORMS = words(`
  Inc LLC Ltd GmbH Group Holdings Partners Co SA AG
`);

const FIRST_NAMES = words(`
  ana ben chloe dmitri elena farid grace hiro ines jonas kim lena marco nadia omar priya
  quinn rosa sam tariq
`);
const LAST_NAMES = words(`
  abbott baker chen diaz evans fischer garcia haddad ito jensen kowalski lopez muller
  nguyen okafor patel rossi silva tanaka weber
`);

/** The brand the search scenario looks for: it is no other word's substring. */
export const SEARCHED_BRAND = 'Quillon';

export interface Company {
  name: string;
  email: string;
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** `index` keeps e-mail addresses unique even when two companies share a name. */
export function aCompany(random: SeededRandom, index: number): Company {
  const brand = random.pick(BRANDS);
  const trade = random.pick(TRADES);
  const name = `${brand} ${trade} ${random.pick(LEGAL_FORMS)}`;
  return { name, email: `contact${index}@${slug(brand)}${slug(trade)}.example` };
}

/** Someone at the host company who owns the relationship with the guest. */
export function anOwnerEmail(random: SeededRandom, hostEmail: string): string {
  const domain = hostEmail.slice(hostEmail.indexOf('@') + 1);
  return `${random.pick(FIRST_NAMES)}.${random.pick(LAST_NAMES)}@${domain}`;
}

/** Every word a name can contain: for checking that SEARCHED_BRAND stays selective. */
export const NAME_WORDS: readonly string[] = [...BRANDS, ...TRADES, ...LEGAL_FORMS];
