import { mkdirSync } from 'node:fs';
import { open, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { idNumberCheckCharacter, repoRoot, withCheckDigit } from '@sunlight/common';
import { readProgramCatalogue } from '@sunlight/programs';
import { REGISTRIES, REGISTRY_KINDS, type RegistryKind } from '@sunlight/ingestion';
import { AMOUNT_RANGES, BATCH_HEADER } from './batch-rows.js';
import { csvCell } from './csv.js';
import { CsvLines, parseCsvLine } from './csv-lines.js';
import { IdNumberSet } from './id-set.js';
import { allTownships, sampleTownships } from './regions.js';
import { Random } from './random.js';

/**
 * A seeded population in CONTRACT format, with the leads it must raise written beside it.
 *
 * Background recipients are clean: valid ID numbers, ages inside their program's range, amounts
 * under the caps, their own accounts in their own names, paid once per period, and nobody of
 * them in a registry except their own households and residents (户籍人口, where they are paid;
 * everyone there of 80 or over is paid 高龄津贴 every month). Background registry rows are other
 * people.
 * Onto this the generator plants, for every rule, cases that must raise a lead and look-alikes
 * that must not (the namesake of a deceased person, the payment in the month of death, the child
 * paid into its mother's account, the employment that ended before the period …). Every planted
 * case is a person of its own, so the expected leads are known exactly.
 */

export interface PopulationOptions {
  seed: number;
  /** Background recipients. */
  recipients: number;
  /** Monthly periods (YYYY-MM), in order, all in one calendar year. */
  months: string[];
  counties: number;
  townshipsPerCounty: number;
  /** Use these counties instead of a seeded choice. */
  countyCodes?: string[];
  /** How many times each planted case is repeated. */
  plantedCopies: number;
  /** Total rows per registry (background people fill up to it). */
  registrySizes?: Partial<Record<RegistryKind, number>>;
}


/** A lead the data must raise, by its key fields (as `leads export` writes them). */
export interface ExpectedLead {
  rule: string;
  id_number: string | null;
  program_code: string | null;
  period: string | null;
  bank_account: string | null;
  /** The planted case, for messages. */
  case: string;
}

/** A planted case: a positive must raise its lead, a look-alike must raise nothing (for its rule). */
export interface PlantedCase {
  rule: string;
  kind: 'positive' | 'look-alike';
  description: string;
  id_number: string;
}

export interface Payment {
  region: string;
  program: string;
  period: string;
  idNumber: string;
  name: string;
  household: string | null;
  amount: string;
  account: string | null;
  holder: string | null;
  paidOn: string;
}

/** A program as the generator pays it: the shipped catalogue's facts and a typical amount range. */
interface Program {
  code: string;
  min: number;
  max: number;
  frequency: 'monthly' | 'yearly';
  ages?: [number, number];
}

/**
 * The programs the population is paid from. Frequency and ages come from the shipped catalogue
 * (config/programs.json, CONTRACT §2), which the planted cases are written against.
 */
const PROGRAMS: Record<string, Program> = Object.fromEntries(
  readProgramCatalogue(path.join(repoRoot(), 'config'))
    .filter((p) => p.code in AMOUNT_RANGES && p.frequency !== 'one-off')
    .map((p) => [
      p.code,
      { code: p.code, ...AMOUNT_RANGES[p.code], frequency: p.frequency as Program['frequency'], ages: p.minAge === null ? undefined : [p.minAge, p.maxAge ?? 150] },
    ]),
);
const MIX: [string, number][] = [
  ['DIBAO', 0.4],
  ['TEKUN', 0.1],
  ['CANJI', 0.15],
  ['GAOLING', 0.2],
  ['JIAOYU', 0.05],
  ['YIMIN', 0.05],
  ['GENGDI', 0.05],
];

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华玉建国志海燕德晓东俊庆子涵文博欣怡浩然梓萱雨轩'];

/** Where and from what a run of payments is paid, with its cells before the period and after the holder. */
interface Place {
  region: string;
  program: string;
  head: string;
  tail: string;
}

/** The periods a run of payments is paid for, and on which day of each. */
interface Schedule {
  periods: string[];
  day: string;
  /** Runs paid on it. */
  runs: number;
}

export interface WriteOptions {
  /**
   * Rows per file at most (ingestion refuses files of over 5 million): a larger batch or registry
   * is written in equal parts, <name>.part1.csv, <name>.part2.csv …; a smaller one as <name>.csv.
   */
  rowsPerFile?: number;
}

/**
 * A province-year is some 5 million recipients and 60 million payments, and twice as many
 * registry rows: everything is kept compact (the registries as their CSV lines, a recipient's
 * payments as one run, the ID numbers as integers) and expanded only when read or written.
 */
export class Population {
  readonly registries: Record<RegistryKind, CsvLines> = {
    deceased: new CsvLines(),
    'public-employees': new CsvLines(),
    'village-officials': new CsvLines(),
    'household-members': new CsvLines(),
    vehicles: new CsvLines(),
    businesses: new CsvLines(),
    residents: new CsvLines(),
  };
  readonly expected: ExpectedLead[] = [];
  readonly cases: PlantedCase[] = [];

  private readonly random: Random;
  /** Residence dates draw from a stream of their own: adding residents changes nothing else the seed writes. */
  private readonly residence: Random;
  private readonly ids = new IdNumberSet();
  private readonly townships: string[];
  private readonly year: number;
  private sequence = 0;

  /**
   * Payments, a run per recipient paid one amount in several periods (in the order they were
   * paid, which is every batch file's row order): the run's cells from id_number to holder as a
   * CSV line, and per run its place and schedule (two numbers in `runIndex`).
   */
  private readonly runs = new CsvLines();
  private runIndex = new Uint32Array(1 << 12);
  private readonly places: Place[] = [];
  private readonly placeIndex = new Map<string, number>();
  private readonly schedules: Schedule[] = [];
  private readonly scheduleIndex = new Map<string, number>();
  private paymentTotal = 0;
  /** id(): each birth-date range's first day (since 1970) and length, and each day's digits (a few ten thousand days). */
  private readonly birthRanges = new Map<string, [number, number]>();
  private readonly birthDays = new Map<number, string>();

  constructor(readonly options: PopulationOptions) {
    this.random = new Random(options.seed);
    this.residence = new Random(options.seed ^ 0x5e13);
    this.townships = sampleTownships(options.seed, options.counties, options.townshipsPerCounty, options.countyCodes);
    this.year = Number(options.months[0].slice(0, 4));
    for (let i = 0; i < options.recipients; i++) this.background();
    for (let copy = 0; copy < options.plantedCopies; copy++) this.plant();
    this.fillRegistries();
    // After everything else, so that the rows of R01–R12 stay what this seed always wrote.
    for (let copy = 0; copy < options.plantedCopies; copy++) this.plantEntitled();
    this.fillResidents();
  }

  // ── people ────────────────────────────────────────────────────────────────

  private name(): string {
    return this.random.pick(SURNAMES) + this.random.pick(GIVEN) + (this.random.chance(0.6) ? this.random.pick(GIVEN) : '');
  }

  /** A new, unique, valid ID number born between the two dates (inclusive). */
  private id(county: string, from: string, to: string): string {
    const range = `${from}|${to}`;
    let known = this.birthRanges.get(range);
    if (!known) {
      const first = Date.parse(`${from}T00:00:00Z`);
      this.birthRanges.set(range, (known = [first / 86_400_000, Math.round((Date.parse(`${to}T00:00:00Z`) - first) / 86_400_000)]));
    }
    const [start, days] = known;
    for (;;) {
      const day = start + this.random.int(0, days);
      let birth = this.birthDays.get(day);
      if (birth === undefined) this.birthDays.set(day, (birth = new Date(day * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '')));
      const id = withCheckDigit(`${county}${birth}${String(this.random.int(0, 999)).padStart(3, '0')}`);
      if (!this.ids.has(id)) {
        this.ids.add(id);
        return id;
      }
    }
  }

  private birthRange(program: Program): [string, string] {
    const first = this.options.months[0];
    const last = this.options.months[this.options.months.length - 1];
    if (!program.ages) return [`${this.year - 75}-01-01`, `${this.year - 20}-12-31`];
    // Inside the range at every period start, with a year to spare on each side.
    const [min, max] = program.ages;
    const oldest = `${Number(first.slice(0, 4)) - Math.min(max, 95)}-${first.slice(5)}-02`;
    const youngest = `${Number(last.slice(0, 4)) - min - 1}-${last.slice(5)}-01`;
    return [oldest, youngest];
  }

  private township(): string {
    return this.random.pick(this.townships);
  }

  private otherCounty(township: string): string {
    for (;;) {
      const t = this.township();
      if (t.slice(0, 6) !== township.slice(0, 6)) return t;
    }
  }

  private account(): string {
    return `6222${String(++this.sequence).padStart(15, '0')}`;
  }

  private household(township: string): string {
    return `H${township}${String(++this.sequence).padStart(7, '0')}`;
  }

  private amount(program: Program): string {
    return (this.random.int(program.min * 100, program.max * 100) / 100).toFixed(2);
  }

  private pickProgram(): Program {
    let r = this.random.next();
    for (const [code, share] of MIX) {
      if ((r -= share) < 0) return PROGRAMS[code];
    }
    return PROGRAMS.DIBAO;
  }

  /**
   * A recipient: a person with a household (in household-members, with family who receive
   * nothing) and an account of their own, paid once per period of their program.
   */
  private recipient(
    program: Program,
    options: {
      township?: string;
      birth?: [string, string];
      months?: string[];
      inHousehold?: boolean;
      idNumber?: string;
      name?: string;
      holder?: string | null;
      account?: string | null;
      amount?: string;
      /** The township of residence (户籍人口), the paying one by default; null: not a resident. */
      residence?: string | null;
    } = {},
  ) {
    const township = options.township ?? this.township();
    const [from, to] = options.birth ?? this.birthRange(program);
    const idNumber = options.idNumber ?? this.id(township.slice(0, 6), from, to);
    const name = options.name ?? this.name();
    const household = this.household(township);
    if (options.inHousehold !== false) {
      this.registries['household-members'].push([household, idNumber, name, '户主']);
      for (let i = this.random.int(0, 2); i > 0; i--) {
        this.registries['household-members'].push([household, this.id(township.slice(0, 6), `${this.year - 80}-01-01`, `${this.year - 1}-12-31`), this.name(), this.random.pick(['配偶', '子女', '父母'])]);
      }
    }
    const account = options.account === undefined ? this.account() : options.account;
    const amount = options.amount ?? this.amount(program);
    const months = options.months ?? (program.frequency === 'yearly' ? [this.options.months[0]] : this.options.months);
    const holder = options.holder === undefined ? name : options.holder;
    const residence = options.residence === undefined ? township : options.residence;
    if (residence) this.resident(idNumber, name, residence, household);
    this.pay({ region: township, program: program.code, idNumber, name, household, amount, account, holder }, months);
    return { idNumber, name, township, household, account, program };
  }

  /**
   * A residents row: registered in the township for some years (since birth at the latest),
   * still there unless `to` is given.
   */
  private resident(idNumber: string, name: string, township: string, household: string | null, to: string | null = null): void {
    const birth = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
    const r = this.residence;
    const since = `${this.year - r.int(2, 40)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
    this.registries.residents.push([idNumber, name, township, household, since > birth ? since : birth, to]);
  }

  /** Pays the payee once in each of the periods (in their order), on that day of the period's month. */
  private pay(payee: Omit<Payment, 'period' | 'paidOn'>, periods: readonly string[], day = '15'): void {
    const placeKey = `${payee.region}|${payee.program}`;
    let place = this.placeIndex.get(placeKey);
    if (place === undefined) {
      place = this.places.push({ region: payee.region, program: payee.program, head: `${csvCell(payee.region)},${csvCell(payee.program)},`, tail: csvCell(`${payee.region}财政所`) }) - 1;
      this.placeIndex.set(placeKey, place);
    }
    const scheduleKey = `${day}|${periods.join(',')}`;
    let schedule = this.scheduleIndex.get(scheduleKey);
    if (schedule === undefined) {
      schedule = this.schedules.push({ periods: [...periods], day, runs: 0 }) - 1;
      this.scheduleIndex.set(scheduleKey, schedule);
    }
    this.schedules[schedule].runs++;
    const run = this.runs.length;
    if (2 * run + 2 > this.runIndex.length) {
      const grown = new Uint32Array(this.runIndex.length * 2);
      grown.set(this.runIndex);
      this.runIndex = grown;
    }
    this.runIndex[2 * run] = place;
    this.runIndex[2 * run + 1] = schedule;
    this.runs.push([payee.idNumber, payee.name, payee.household, payee.amount, payee.account, payee.holder]);
    this.paymentTotal += periods.length;
  }

  private background(): void {
    this.recipient(this.pickProgram());
  }

  private expect(rule: string, key: Partial<Omit<ExpectedLead, 'rule' | 'case'>>, description: string, idNumber: string): void {
    this.expected.push({ rule, id_number: key.id_number ?? null, program_code: key.program_code ?? null, period: key.period ?? null, bank_account: key.bank_account ?? null, case: description });
    this.cases.push({ rule, kind: 'positive', description, id_number: idNumber });
  }

  private lookAlike(rule: string, description: string, idNumber: string): void {
    this.cases.push({ rule, kind: 'look-alike', description, id_number: idNumber });
  }

  // ── planted cases ─────────────────────────────────────────────────────────

  private plant(): void {
    const months = this.options.months;
    const first = months[0];
    const last = months[months.length - 1];
    const mid = months[Math.floor(months.length / 2)];
    const DIBAO = PROGRAMS.DIBAO;
    const dayAfter = (month: string) => `${month}-10`;

    // R01 deceased recipient: paid after the month of death.
    {
      const r = this.recipient(DIBAO);
      this.registries.deceased.push([r.idNumber, r.name, dayAfter(months[1])]);
      this.expect('R01', { id_number: r.idNumber, program_code: 'DIBAO' }, 'paid after the month of death', r.idNumber);
      const namesake = this.recipient(DIBAO);
      this.registries.deceased.push([this.id(namesake.township.slice(0, 6), '1940-01-01', '1960-12-31'), namesake.name, dayAfter(first)]);
      this.lookAlike('R01', 'a namesake of a deceased person (same name, another ID)', namesake.idNumber);
      const lastMonth = this.recipient(DIBAO);
      this.registries.deceased.push([lastMonth.idNumber, lastMonth.name, dayAfter(last)]);
      this.lookAlike('R01', 'last paid in the month of death', lastMonth.idNumber);
    }

    // R02 public-payroll staff on a means-tested program, employment overlapping the period.
    {
      const r = this.recipient(DIBAO);
      this.registries['public-employees'].push([r.idNumber, r.name, '县教育局', '2019-09-01', null]);
      this.expect('R02', { id_number: r.idNumber, program_code: 'DIBAO' }, 'employed during the periods', r.idNumber);
      const late = this.recipient(DIBAO);
      this.registries['public-employees'].push([late.idNumber, late.name, '县水利局', dayAfter(mid), null]);
      this.expect('R02', { id_number: late.idNumber, program_code: 'DIBAO' }, 'employed from the middle of the periods', late.idNumber);
      const ended = this.recipient(DIBAO);
      this.registries['public-employees'].push([ended.idNumber, ended.name, '县财政局', '2015-03-01', `${this.year - 1}-12-31`]);
      this.lookAlike('R02', 'an employment that ended before the first period', ended.idNumber);
      const notMeansTested = this.recipient(PROGRAMS.GENGDI);
      this.registries['public-employees'].push([notMeansTested.idNumber, notMeansTested.name, '乡政府', '2010-01-01', null]);
      this.lookAlike('R02', 'a public employee on a program that is not means-tested', notMeansTested.idNumber);
    }

    // R03 village official, or a member of an official's household, in the same county.
    {
      const self = this.recipient(DIBAO);
      this.registries['village-officials'].push([self.idNumber, self.name, self.township, '村委会主任', self.household]);
      this.expect('R03', { id_number: self.idNumber, program_code: 'DIBAO' }, 'an official paying himself', self.idNumber);
      const relative = this.recipient(DIBAO);
      const official = this.id(relative.township.slice(0, 6), '1960-01-01', '1980-12-31');
      this.registries['household-members'].push([relative.household, official, this.name(), '子女']);
      this.registries['village-officials'].push([official, this.name(), relative.township, '村支书', null]);
      this.expect('R03', { id_number: relative.idNumber, program_code: 'DIBAO' }, "a member of an official's household", relative.idNumber);
      const elsewhere = this.recipient(DIBAO);
      const far = this.id(elsewhere.township.slice(0, 6), '1960-01-01', '1980-12-31');
      this.registries['household-members'].push([elsewhere.household, far, this.name(), '子女']);
      this.registries['village-officials'].push([far, this.name(), this.otherCounty(elsewhere.township), '村委委员', null]);
      this.lookAlike('R03', "a household member of an official of another county", elsewhere.idNumber);
      const namesake = this.recipient(DIBAO);
      this.registries['village-officials'].push([this.id(namesake.township.slice(0, 6), '1960-01-01', '1980-12-31'), namesake.name, namesake.township, '村委委员', null]);
      this.lookAlike('R03', 'a namesake of an official', namesake.idNumber);
    }

    // R04 / R05 vehicle or business owners on a means-tested program.
    for (const [rule, kind, thing] of [
      ['R04', 'vehicles', '鄂D'],
      ['R05', 'businesses', '商贸有限公司'],
    ] as const) {
      const label = (text: string) => (kind === 'vehicles' ? `${thing}${String(this.random.int(10000, 99999))}` : `${text}${thing}`);
      const owner = this.recipient(DIBAO);
      this.registries[kind].push([owner.idNumber, label('松滋'), '2021-06-01', null]);
      this.expect(rule, { id_number: owner.idNumber, program_code: 'DIBAO' }, `registered before the periods (${kind})`, owner.idNumber);
      const later = this.recipient(DIBAO);
      this.registries[kind].push([later.idNumber, label('荆州'), `${last}-20`, null]);
      this.expect(rule, { id_number: later.idNumber, program_code: 'DIBAO' }, `registered during the last period (${kind})`, later.idNumber);
      const afterwards = this.recipient(DIBAO);
      this.registries[kind].push([afterwards.idNumber, label('公安'), `${this.year + 1}-02-01`, null]);
      this.lookAlike(rule, `registered after the last period (${kind})`, afterwards.idNumber);
      const gone = this.recipient(DIBAO);
      this.registries[kind].push([gone.idNumber, label('江陵'), '2015-05-01', `${this.year - 1}-12-20`]);
      this.lookAlike(rule, `deregistered before the first period (${kind})`, gone.idNumber);
      const notMeansTested = this.recipient(PROGRAMS.YIMIN);
      this.registries[kind].push([notMeansTested.idNumber, label('洪湖'), '2018-01-01', null]);
      this.lookAlike(rule, `on a program that is not means-tested (${kind})`, notMeansTested.idNumber);
    }

    // R06 duplicate payment: same person, program and period unit, whatever region.
    {
      const twice = this.recipient(DIBAO);
      this.pay({ region: this.otherCounty(twice.township), program: 'DIBAO', idNumber: twice.idNumber, name: twice.name, household: twice.household, amount: '500.00', account: this.account(), holder: twice.name }, [mid], '20');
      this.expect('R06', { id_number: twice.idNumber, program_code: 'DIBAO', period: mid }, 'paid twice for one month, in two counties', twice.idNumber);
      const yearly = this.recipient(PROGRAMS.YIMIN);
      this.pay({ region: yearly.township, program: 'YIMIN', idNumber: yearly.idNumber, name: yearly.name, household: yearly.household, amount: '600.00', account: yearly.account, holder: yearly.name }, [last]);
      this.expect('R06', { id_number: yearly.idNumber, program_code: 'YIMIN', period: String(this.year) }, 'a yearly program paid twice in one year', yearly.idNumber);
      const twoYears = this.recipient(PROGRAMS.YIMIN);
      const previous = `${this.year - 1}-12`;
      this.pay({ region: twoYears.township, program: 'YIMIN', idNumber: twoYears.idNumber, name: twoYears.name, household: twoYears.household, amount: '600.00', account: twoYears.account, holder: twoYears.name }, [previous]);
      this.lookAlike('R06', 'a yearly program paid in two different years', twoYears.idNumber);
    }

    // R07 over the standard.
    {
      const over = this.recipient(DIBAO, { months: [first] , amount: '1350.00' });
      this.expect('R07', { id_number: over.idNumber, program_code: 'DIBAO', period: first }, 'one payment above the cap', over.idNumber);
      const atCap = this.recipient(DIBAO, { amount: '1200.00' });
      this.lookAlike('R07', 'paid exactly the cap', atCap.idNumber);
    }

    // R08 account in somebody else's name.
    {
      const other = this.recipient(DIBAO, { holder: this.name() + '某' });
      this.expect('R08', { id_number: other.idNumber, program_code: 'DIBAO' }, "paid into a stranger's account", other.idNumber);
      const mother = this.name();
      const child = this.recipient(PROGRAMS.CANJI, { holder: mother });
      this.registries['household-members'].push([child.household, this.id(child.township.slice(0, 6), '1975-01-01', '1990-12-31'), mother, '母亲']);
      this.lookAlike('R08', "a child paid into its mother's account (same household)", child.idNumber);
    }

    // R09 one account, many households.
    {
      const account = this.account();
      const a = this.recipient(DIBAO, { account, holder: null });
      const b = this.recipient(PROGRAMS.CANJI, { account, holder: null, inHousehold: false, township: a.township });
      this.registries['household-members'].push([a.household, b.idNumber, b.name, '配偶']);
      const c = this.recipient(PROGRAMS.TEKUN, { account, holder: null, township: a.township });
      this.expect('R09', { bank_account: account }, 'one account paid for three people of two households', a.idNumber);
      void c;
      const family = this.account();
      const p = this.recipient(DIBAO, { account: family });
      const members = [PROGRAMS.CANJI, PROGRAMS.TEKUN].map((program) => this.recipient(program, { account: family, holder: p.name, inHousehold: false, township: p.township }));
      for (const m of members) this.registries['household-members'].push([p.household, m.idNumber, m.name, '子女']);
      this.lookAlike('R09', 'three people of one household sharing an account', p.idNumber);
    }

    // R10 invalid ID numbers (DIBAO has no age range, so nothing else follows).
    {
      const county = this.township().slice(0, 6);
      const stem = `${county}19650303${String(this.random.int(100, 999))}`;
      const wrongCheck = stem + (idNumberCheckCharacter(stem) === '1' ? '2' : '1');
      const noDate = withCheckDigit(`${county}19990230${String(this.random.int(100, 999))}`);
      const noProvince = withCheckDigit(`99${county.slice(2)}19700101${String(this.random.int(100, 999))}`);
      const unborn = withCheckDigit(`${county}${this.year + 1}0101${String(this.random.int(100, 999))}`);
      for (const [idNumber, description] of [
        [wrongCheck, 'a wrong check digit'],
        [noDate, 'a birth date that does not exist'],
        [noProvince, 'no province code'],
        [unborn, 'born after the payment'],
      ]) {
        this.ids.add(idNumber);
        // Not a resident: the registry holds valid ID numbers, and R13 reads a birth date from them.
        this.recipient(DIBAO, { idNumber, residence: null });
        this.expect('R10', { id_number: idNumber }, description, idNumber);
      }
      let x: string;
      do x = this.id(county, '1950-01-01', '1990-12-31');
      while (!x.endsWith('X'));
      this.recipient(DIBAO, { idNumber: x });
      this.lookAlike('R10', 'a valid ID number ending in X', x);
    }

    // R11 age outside the program's range, at the period start.
    {
      const y = this.year;
      const [m1] = first.split('-').slice(1);
      const young = this.recipient(PROGRAMS.GAOLING, { birth: [`${y - 76}-01-01`, `${y - 76}-12-31`] });
      this.expect('R11', { id_number: young.idNumber, program_code: 'GAOLING' }, '高龄津贴 at 75', young.idNumber);
      const old = this.recipient(PROGRAMS.JIAOYU, { birth: [`${y - 40}-01-01`, `${y - 40}-06-30`] });
      this.expect('R11', { id_number: old.idNumber, program_code: 'JIAOYU' }, '教育资助 at 39', old.idNumber);
      const child = this.recipient(PROGRAMS.JIAOYU, { birth: [`${y - 4}-01-01`, `${y - 4}-01-31`] });
      this.expect('R11', { id_number: child.idNumber, program_code: 'JIAOYU' }, '教育资助 at 3', child.idNumber);
      const eighty = this.recipient(PROGRAMS.GAOLING, { birth: [`${y - 80}-${m1}-01`, `${y - 80}-${m1}-01`] });
      this.lookAlike('R11', '高龄津贴 at exactly 80 on the first period start', eighty.idNumber);
      const lastMonth = Number(last.slice(5));
      const thirty = this.recipient(PROGRAMS.JIAOYU, { birth: [`${y - 31}-12-31`, `${y - 31}-12-31`] });
      if (lastMonth < 12) this.lookAlike('R11', '教育资助 at exactly 30 until the last period', thirty.idNumber);
    }
  }

  /**
   * R13 应享未享: residents of a township whose county pays 高龄津贴 every month (a neighbour is
   * paid there, so small populations pay it too), owed it from 80 on. Everyone else of 80 or over
   * in residents is a 高龄津贴 recipient paid every month in their own county (background), or one
   * of these look-alikes.
   */
  private plantEntitled(): void {
    const months = this.options.months;
    const first = months[0];
    const last = months[months.length - 1];
    const y = this.year;
    const GAOLING = PROGRAMS.GAOLING;
    const township = this.township();
    this.recipient(GAOLING, { township });
    const household = () => this.household(township);
    /** A resident who is paid nothing at all. */
    const unpaid = (birth: [string, string], to: string | null = null) => {
      const idNumber = this.id(township.slice(0, 6), ...birth);
      this.resident(idNumber, this.name(), township, household(), to);
      return idNumber;
    };

    const never = unpaid([`${y - 86}-12-02`, `${y - 86}-12-31`]);
    this.expect('R13', { id_number: never, program_code: 'GAOLING' }, '85 and never paid 高龄津贴', never);
    if (months.length > 1) {
      const skipped = months[Math.floor(months.length / 2)];
      const gap = this.recipient(GAOLING, { township, months: months.filter((m) => m !== skipped) });
      this.expect('R13', { id_number: gap.idNumber, program_code: 'GAOLING' }, `高龄津贴 paid every month but ${skipped}`, gap.idNumber);
    }

    const elsewhere = this.recipient(GAOLING, { township: this.otherCounty(township), residence: township });
    this.lookAlike('R13', '高龄津贴 paid every month by another county', elsewhere.idNumber);
    const died = unpaid([`${y - 91}-12-02`, `${y - 91}-12-31`]);
    this.registries.deceased.push([died, this.name(), `${first}-10`]);
    this.lookAlike('R13', 'died at 90 in the first month, never paid', died);
    const moved = unpaid([`${y - 86}-01-01`, `${y - 86}-12-31`], `${y - 1}-11-30`);
    this.lookAlike('R13', 'moved away before the first month', moved);
    const young = unpaid([`${y - 80}-${last.slice(5)}-02`, `${y - 80}-12-31`]);
    this.lookAlike('R13', '79 at the start of every month (80 after the last one began)', young);
    // A county outside the population's: it pays 低保 here, but never 高龄津贴.
    const counties = new Set(this.townships.map((t) => t.slice(0, 6)));
    let outside: string;
    do outside = this.random.pick(allTownships()).code;
    while (counties.has(outside.slice(0, 6)));
    const noGaoling = this.recipient(PROGRAMS.DIBAO, { township: outside, birth: [`${y - 86}-01-01`, `${y - 86}-12-31`] });
    this.lookAlike('R13', '85, in a county that never pays 高龄津贴', noGaoling.idNumber);
    const notResident = this.recipient(PROGRAMS.DIBAO, { township, birth: [`${y - 86}-01-01`, `${y - 86}-12-31`], residence: null });
    this.lookAlike('R13', '85 on 低保, not in residents', notResident.idNumber);
  }

  /** Background residents up to the requested size: people under 75, who are owed nothing. */
  private fillResidents(): void {
    for (let i = this.registries.residents.length; i < (this.options.registrySizes?.residents ?? 0); i++) {
      const township = this.township();
      this.resident(this.id(township.slice(0, 6), `${this.year - 74}-01-01`, `${this.year - 1}-12-31`), this.name(), township, this.household(township));
    }
  }

  /** Background registry rows: other people, up to the requested sizes. */
  private fillRegistries(): void {
    const sizes = this.options.registrySizes ?? {};
    const county = () => this.township().slice(0, 6);
    const fill = (kind: RegistryKind, row: () => (string | null)[]) => {
      for (let i = this.registries[kind].length; i < (sizes[kind] ?? 0); i++) this.registries[kind].push(row());
    };
    fill('deceased', () => [this.id(county(), '1920-01-01', '1970-12-31'), this.name(), `${this.year - this.random.int(0, 5)}-0${this.random.int(1, 9)}-1${this.random.int(0, 9)}`]);
    fill('public-employees', () => [this.id(county(), '1965-01-01', '2000-12-31'), this.name(), '县直单位', `20${String(this.random.int(0, 20)).padStart(2, '0')}-09-01`, null]);
    fill('village-officials', () => {
      const t = this.township();
      const household = this.household(t);
      const id = this.id(t.slice(0, 6), '1960-01-01', '1990-12-31');
      const name = this.name();
      this.registries['household-members'].push([household, id, name, '户主']);
      return [id, name, t, '村委委员', household];
    });
    fill('household-members', () => [this.household(this.township()), this.id(county(), '1940-01-01', `${this.year - 1}-12-31`), this.name(), '户主']);
    fill('vehicles', () => [this.id(county(), '1950-01-01', '2000-12-31'), `鄂D${this.random.int(10000, 99999)}`, '2018-03-01', null]);
    fill('businesses', () => [this.id(county(), '1950-01-01', '2000-12-31'), '个体工商户', '2016-07-01', null]);
  }

  /** How many payments there are. */
  get paymentCount(): number {
    return this.paymentTotal;
  }

  /** The payments in the order they were made (a recipient's one after another), expanded one by one. */
  *payments(): Generator<Payment> {
    let run = 0;
    for (const line of this.runs.lines()) {
      const { region, program } = this.places[this.runIndex[2 * run]];
      const { periods, day } = this.schedules[this.runIndex[2 * run + 1]];
      run++;
      const [idNumber, name, household, amount, account, holder] = parseCsvLine(line);
      for (const period of periods) yield { region, program, period, idNumber: idNumber!, name: name!, household, amount: amount!, account, holder, paidOn: `${period}-${day}` };
    }
  }

  /** Payment rows of the given periods, in the batch file's column order. */
  *rows(periods?: ReadonlySet<string>): Generator<(string | null)[]> {
    for (const p of this.payments()) {
      if (!periods || periods.has(p.period)) yield [p.region, p.program, p.period, p.idNumber, p.name, p.household, p.amount, p.account, p.holder, p.paidOn, `${p.region}财政所`];
    }
  }

  /** Every period that has payments, in order. */
  periods(): string[] {
    return [...new Set(this.schedules.flatMap((s) => s.periods))].sort();
  }

  /**
   * Writes registries (<kind>.csv), one batch per period (batch-YYYY-MM.csv), expected-leads.json
   * and cases.json into `dir`; each file in parts when it has more than `rowsPerFile` rows. The
   * batches are written side by side, in one pass over the runs.
   */
  async write(dir: string, options: WriteOptions = {}): Promise<{ registries: Record<RegistryKind, string[]>; batches: string[] }> {
    mkdirSync(dir, { recursive: true });
    const rowsPerFile = options.rowsPerFile ?? Infinity;
    const registries = {} as Record<RegistryKind, string[]>;
    for (const kind of REGISTRY_KINDS) {
      const lines = this.registries[kind];
      const out = new CsvOut(path.join(dir, kind), REGISTRIES[kind].columns.map((c) => c.name), lines.length, rowsPerFile);
      for (const buffer of lines.buffers()) {
        if (out.files.length === 1) await out.bytes(buffer);
        else {
          for (let start = 0; start < buffer.length; ) {
            const end = buffer.indexOf(10, start) + 1;
            const flushed = out.row(EMPTY, EMPTY, buffer, start, end, EMPTY, EMPTY);
            if (flushed) await flushed;
            start = end;
          }
        }
      }
      await out.close();
      registries[kind] = out.files;
    }
    const periods = this.periods();
    const outs = periods.map((period) => {
      const rows = this.schedules.reduce((sum, s) => sum + s.runs * s.periods.filter((p) => p === period).length, 0);
      return new CsvOut(path.join(dir, `batch-${period}`), BATCH_HEADER, rows, rowsPerFile);
    });
    // Byte by byte: a row is the run's place, the period, the run's own cells and the day.
    const places = this.places.map((p) => ({ head: Buffer.from(p.head), tail: Buffer.from(`${p.tail}\n`) }));
    const slots = this.schedules.map((s) =>
      s.periods.map((period) => ({ out: outs[periods.indexOf(period)], before: Buffer.from(`${csvCell(period)},`), after: Buffer.from(`,${csvCell(`${period}-${s.day}`)},`) })),
    );
    let run = 0;
    for (const buffer of this.runs.buffers()) {
      for (let start = 0; start < buffer.length; run++) {
        const end = buffer.indexOf(10, start);
        const place = places[this.runIndex[2 * run]];
        for (const slot of slots[this.runIndex[2 * run + 1]]) {
          const flushed = slot.out.row(place.head, slot.before, buffer, start, end, slot.after, place.tail);
          if (flushed) await flushed;
        }
        start = end + 1;
      }
    }
    for (const out of outs) await out.close();
    await writeFile(path.join(dir, 'expected-leads.json'), JSON.stringify(this.expected, null, 1));
    await writeFile(path.join(dir, 'cases.json'), JSON.stringify(this.cases, null, 1));
    return { registries, batches: outs.flatMap((out) => out.files) };
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * A CSV file (base.csv) written from pieces of bytes a megabyte at a time, as writeCsv would
 * write it; in equal parts (base.part1.csv …), each with the header, when it has more rows than
 * `rowsPerFile`. Each returned promise must be awaited before the next call.
 */
class CsvOut {
  static readonly SIZE = 1 << 20;
  readonly files: string[];
  private readonly header: Buffer;
  /** Rows of each part: the same, or one more in the first ones. */
  private readonly perPart: number[];
  private part = 0;
  private rows = 0;
  private handle: FileHandle | undefined;
  private buffer = Buffer.allocUnsafe(CsvOut.SIZE);
  private used = 0;

  constructor(base: string, header: string[], total: number, rowsPerFile: number) {
    const parts = total > rowsPerFile ? Math.ceil(total / rowsPerFile) : 1;
    this.perPart = Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
    this.files = parts === 1 ? [`${base}.csv`] : Array.from({ length: parts }, (_, i) => `${base}.part${i + 1}.csv`);
    this.header = Buffer.from(header.map(csvCell).join(',') + '\n');
    this.used = this.header.copy(this.buffer);
  }

  /** Appends a row: head, before, line[start, end), after and tail (a row is far below a megabyte). */
  row(head: Buffer, before: Buffer, line: Buffer, start: number, end: number, after: Buffer, tail: Buffer): Promise<void> | undefined {
    let flushed: Promise<void> | undefined;
    if (this.rows === this.perPart[this.part] && this.part < this.files.length - 1) flushed = this.nextPart();
    else if (this.used + head.length + before.length + (end - start) + after.length + tail.length > this.buffer.length) flushed = this.flush();
    let at = this.used;
    const b = this.buffer;
    for (let i = 0; i < head.length; i++) b[at++] = head[i];
    for (let i = 0; i < before.length; i++) b[at++] = before[i];
    for (let i = start; i < end; i++) b[at++] = line[i];
    for (let i = 0; i < after.length; i++) b[at++] = after[i];
    for (let i = 0; i < tail.length; i++) b[at++] = tail[i];
    this.used = at;
    this.rows++;
    return flushed;
  }

  /** Appends whole lines (a file in one part only). */
  async bytes(lines: Buffer): Promise<void> {
    await this.flush();
    await (await this.opened()).write(lines);
  }

  async close(): Promise<void> {
    await this.flush();
    await (await this.opened()).close();
  }

  private async opened(): Promise<FileHandle> {
    return (this.handle ??= await open(this.files[this.part], 'w'));
  }

  /** Writes out what the buffer holds; the buffer is replaced at once, before any await. */
  private flush(): Promise<void> {
    const full = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(CsvOut.SIZE);
    this.used = 0;
    return full.length ? this.opened().then((h) => h.write(full)).then(() => undefined) : Promise.resolve();
  }

  private async nextPart(): Promise<void> {
    const flushed = this.flush();
    this.used = this.header.copy(this.buffer);
    this.rows = 0;
    await flushed;
    await this.handle!.close();
    this.handle = undefined;
    this.part++;
  }
}

/** Per rule: planted leads found (recall) and leads raised that were planted (precision). */
export function precisionRecall(expected: ExpectedLead[], found: { rule: string; id_number: string | null; program_code: string | null; period: string | null; bank_account: string | null }[]) {
  const key = (l: { rule: string; id_number: string | null; program_code: string | null; period: string | null; bank_account: string | null }) =>
    [l.rule, l.id_number ?? '', l.program_code ?? '', l.period ?? '', l.bank_account ?? ''].join('|');
  const want = new Set(expected.map(key));
  const got = new Set(found.map(key));
  const rules = [...new Set([...expected.map((l) => l.rule), ...found.map((l) => l.rule)])].sort();
  return Object.fromEntries(
    rules.map((rule) => {
      const w = [...want].filter((k) => k.startsWith(`${rule}|`));
      const g = [...got].filter((k) => k.startsWith(`${rule}|`));
      const hit = g.filter((k) => want.has(k)).length;
      return [
        rule,
        {
          expected: w.length,
          raised: g.length,
          precision: g.length ? hit / g.length : 1,
          recall: w.length ? hit / w.length : 1,
          missed: w.filter((k) => !got.has(k)),
          unexpected: g.filter((k) => !want.has(k)),
        },
      ];
    }),
  );
}
