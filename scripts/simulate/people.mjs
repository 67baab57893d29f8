// The people of the simulated fleet: each laptop's assignee (name, e-mail), serial and host name,
// and the street address IT ships it to. Streets are made up but shaped as HR exports write them:
// a house number and a street, sometimes an apartment. People who live together (a couple, a
// household) share one street line; a facilitator's "new hires" are often all shipped to the
// facilitator's own address, or to different apartments of one building.

const FIRST = ['Avery', 'Jordan', 'Riley', 'Morgan', 'Casey', 'Taylor', 'Jamie', 'Drew', 'Quinn', 'Reese', 'Alex', 'Sam', 'Cameron', 'Harper', 'Rowan', 'Parker', 'Emerson', 'Skyler', 'Dakota', 'Hayden'];
const LAST = ['Brooks', 'Ellis', 'Chen', 'Patel', 'Nguyen', 'Rivera', 'Kim', 'Garcia', 'Johnson', 'Okafor', 'Novak', 'Silva', 'Cohen', 'Murphy', 'Sato', 'Haddad', 'Larsen', 'Moreau', 'Singh', 'Walker'];
const STREETS = ['Maple', 'Oak', 'Cedar', 'Pine', 'Elm', 'Lakeview', 'Hillcrest', 'Washington', 'Lincoln', 'Jefferson', 'Park', 'Sunset', 'Ridge', 'Meadow', 'River',
  'Highland', 'Franklin', 'Madison', 'Chestnut', 'Willow', 'Forest', 'Spring', 'Church', 'Mill', 'Center', 'Prospect', 'Greenwood', 'Fairview', 'Orchard', 'Walnut'];
const KINDS = ['St', 'Ave', 'Rd', 'Dr', 'Ln', 'Blvd', 'Ct', 'Way', 'Pl'];

/** Street lines, none given twice by accident. */
export class Streets {
  constructor(r) {
    this.r = r;
    this.used = new Set();
  }

  /** A house or an apartment of its own. */
  home() {
    for (;;) {
      const line = `${this.r.int(10, 9899)} ${this.r.pick(STREETS)} ${this.r.pick(KINDS)}${this.r.chance(0.3) ? `, Apt ${this.r.int(1, 40)}` : ''}`;
      if (!this.used.has(line)) {
        this.used.add(line);
        return line;
      }
    }
  }

  /** An apartment building: its street line, and a different apartment of it each call. */
  building() {
    const street = `${this.r.int(100, 4999)} ${this.r.pick(STREETS)} ${this.r.pick(KINDS)}`;
    const taken = new Set();
    return {
      street,
      apartment: () => {
        for (;;) {
          const unit = `${this.r.int(1, 6)}${'ABCDEF'[this.r.int(0, 5)]}`;
          if (!taken.has(unit)) {
            taken.add(unit);
            return `${street}, Apt ${unit}`;
          }
        }
      },
    };
  }
}

/** Makes the fleet's laptops: serials in order, a name and e-mail per person. */
export class People {
  constructor(r, serialPrefix = 'SIM') {
    this.r = r;
    this.n = 0;
    this.serialPrefix = serialPrefix;
  }

  /**
   * A laptop of a new person. `shipTo` is the city ("City, Region, Country"), `timeZone` where it
   * was shipped, `shipStreet` the street line; `extra` the scenario's fields.
   */
  laptop(scenario, { shipTo, timeZone, shipStreet }, extra = {}) {
    const n = ++this.n;
    const first = FIRST[n % FIRST.length];
    const last = LAST[Math.floor(n / FIRST.length) % LAST.length];
    const serial = `${this.serialPrefix}${String(n).padStart(5, '0')}`;
    return {
      serial, hostname: `LT-${first.toLowerCase()}-${n}`, assignee: `${first} ${last} <${first.toLowerCase()}.${last.toLowerCase()}.${n}@example.com>`,
      shipTo, shipStreet, timeZone, hostOctet: 10 + (n % 200), band: this.r.int(0, 1),
      ...(this.r.chance(0.3) ? { monitor: this.r.int(0, 1) } : {}), mouse: this.r.chance(0.4),
      scenario, positive: false, house: null, group: null, signalPhase: null, phases: [], ...extra,
    };
  }
}
