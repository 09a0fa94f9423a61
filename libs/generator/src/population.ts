import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { idNumberCheckCharacter, repoRoot, withCheckDigit } from '@sunlight/common';
import { readProgramCatalogue } from '@sunlight/programs';
import { REGISTRIES, REGISTRY_KINDS, type RegistryKind } from '@sunlight/ingestion';
import { AMOUNT_RANGES, BATCH_HEADER } from './batch-rows.js';
import { writeCsv } from './csv.js';
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

export class Population {
  readonly payments: Payment[] = [];
  readonly registries: Record<RegistryKind, (string | null)[][]> = {
    deceased: [],
    'public-employees': [],
    'village-officials': [],
    'household-members': [],
    vehicles: [],
    businesses: [],
    residents: [],
  };
  readonly expected: ExpectedLead[] = [];
  readonly cases: PlantedCase[] = [];

  private readonly random: Random;
  /** Residence dates draw from a stream of their own: adding residents changes nothing else the seed writes. */
  private readonly residence: Random;
  private readonly ids = new Set<string>();
  private readonly townships: string[];
  private readonly year: number;
  private sequence = 0;

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
    const start = Date.parse(`${from}T00:00:00Z`);
    const days = Math.round((Date.parse(`${to}T00:00:00Z`) - start) / 86_400_000);
    for (;;) {
      const birth = new Date(start + this.random.int(0, days) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
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
    for (const month of months) this.pay({ region: township, program: program.code, period: month, idNumber, name, household, amount, account, holder, paidOn: `${month}-15` });
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

  private pay(payment: Payment): void {
    this.payments.push(payment);
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
      this.pay({ region: this.otherCounty(twice.township), program: 'DIBAO', period: mid, idNumber: twice.idNumber, name: twice.name, household: twice.household, amount: '500.00', account: this.account(), holder: twice.name, paidOn: `${mid}-20` });
      this.expect('R06', { id_number: twice.idNumber, program_code: 'DIBAO', period: mid }, 'paid twice for one month, in two counties', twice.idNumber);
      const yearly = this.recipient(PROGRAMS.YIMIN);
      this.pay({ region: yearly.township, program: 'YIMIN', period: last, idNumber: yearly.idNumber, name: yearly.name, household: yearly.household, amount: '600.00', account: yearly.account, holder: yearly.name, paidOn: `${last}-15` });
      this.expect('R06', { id_number: yearly.idNumber, program_code: 'YIMIN', period: String(this.year) }, 'a yearly program paid twice in one year', yearly.idNumber);
      const twoYears = this.recipient(PROGRAMS.YIMIN);
      const previous = `${this.year - 1}-12`;
      this.pay({ region: twoYears.township, program: 'YIMIN', period: previous, idNumber: twoYears.idNumber, name: twoYears.name, household: twoYears.household, amount: '600.00', account: twoYears.account, holder: twoYears.name, paidOn: `${previous}-15` });
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

  /** Payment rows of the given periods, in the batch file's column order. */
  rows(periods?: Set<string>): (string | null)[][] {
    return this.payments
      .filter((p) => !periods || periods.has(p.period))
      .map((p) => [p.region, p.program, p.period, p.idNumber, p.name, p.household, p.amount, p.account, p.holder, p.paidOn, `${p.region}财政所`]);
  }

  /** Every period that has payments, in order. */
  periods(): string[] {
    return [...new Set(this.payments.map((p) => p.period))].sort();
  }

  /**
   * Writes registries (<kind>.csv), one batch per period (batch-YYYY-MM.csv), expected-leads.json
   * and cases.json into `dir`.
   */
  async write(dir: string): Promise<{ registries: Record<RegistryKind, string>; batches: string[] }> {
    mkdirSync(dir, { recursive: true });
    const registries = {} as Record<RegistryKind, string>;
    for (const kind of REGISTRY_KINDS) {
      registries[kind] = path.join(dir, `${kind}.csv`);
      await writeCsv(registries[kind], REGISTRIES[kind].columns.map((c) => c.name), this.registries[kind]);
    }
    const batches: string[] = [];
    for (const period of this.periods()) {
      const file = path.join(dir, `batch-${period}.csv`);
      await writeCsv(file, BATCH_HEADER, this.rows(new Set([period])));
      batches.push(file);
    }
    await writeFile(path.join(dir, 'expected-leads.json'), JSON.stringify(this.expected, null, 1));
    await writeFile(path.join(dir, 'cases.json'), JSON.stringify(this.cases, null, 1));
    return { registries, batches };
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
