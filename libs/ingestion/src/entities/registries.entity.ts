import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

// The six reference registries (比对库). Each row's primary key is its natural key (the
// required columns of CONTRACT §3.2); import_id names the import that last wrote it, so a
// lead can say which snapshot raised it.

/** 死亡人员 */
@Entity('reg_deceased')
export class DeceasedPerson {
  @PrimaryColumn({ type: 'varchar', length: 18, collation: 'C', name: 'id_number' })
  idNumber: string;

  @PrimaryColumn({ type: 'date', name: 'death_date' })
  deathDate: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'bigint', name: 'import_id' })
  importId: string;
}

/** 财政供养人员 */
@Entity('reg_public_employees')
export class PublicEmployee {
  @PrimaryColumn({ type: 'varchar', length: 18, collation: 'C', name: 'id_number' })
  idNumber: string;

  @PrimaryColumn({ type: 'date', name: 'from_date' })
  fromDate: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text', nullable: true })
  employer: string | null;

  @Column({ type: 'date', name: 'to_date', nullable: true })
  toDate: string | null;

  @Column({ type: 'bigint', name: 'import_id' })
  importId: string;
}

/** 村干部 */
@Entity('reg_village_officials')
@Index('idx_reg_village_officials_household', ['householdId'])
export class VillageOfficial {
  @PrimaryColumn({ type: 'varchar', length: 18, collation: 'C', name: 'id_number' })
  idNumber: string;

  @PrimaryColumn({ type: 'varchar', length: 9, collation: 'C', name: 'region_code' })
  regionCode: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text', nullable: true })
  role: string | null;

  @Column({ type: 'text', name: 'household_id', nullable: true })
  householdId: string | null;

  @Column({ type: 'bigint', name: 'import_id' })
  importId: string;
}

/** 户籍家庭成员 */
@Entity('reg_household_members')
@Index('idx_reg_household_members_person', ['idNumber'])
export class HouseholdMember {
  @PrimaryColumn({ type: 'text', name: 'household_id' })
  householdId: string;

  @PrimaryColumn({ type: 'varchar', length: 18, collation: 'C', name: 'id_number' })
  idNumber: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text', nullable: true })
  relation: string | null;

  @Column({ type: 'bigint', name: 'import_id' })
  importId: string;
}

/** 车辆登记 */
@Entity('reg_vehicles')
export class Vehicle {
  @PrimaryColumn({ type: 'varchar', length: 18, collation: 'C', name: 'id_number' })
  idNumber: string;

  @PrimaryColumn({ type: 'date', name: 'registered_on' })
  registeredOn: string;

  @Column({ type: 'text', name: 'plate_no', nullable: true })
  plateNo: string | null;

  @Column({ type: 'date', name: 'deregistered_on', nullable: true })
  deregisteredOn: string | null;

  @Column({ type: 'bigint', name: 'import_id' })
  importId: string;
}

/** 工商登记 */
@Entity('reg_businesses')
export class Business {
  @PrimaryColumn({ type: 'varchar', length: 18, collation: 'C', name: 'id_number' })
  idNumber: string;

  @PrimaryColumn({ type: 'date', name: 'registered_on' })
  registeredOn: string;

  @Column({ type: 'text', nullable: true })
  company: string | null;

  @Column({ type: 'date', name: 'deregistered_on', nullable: true })
  deregisteredOn: string | null;

  @Column({ type: 'bigint', name: 'import_id' })
  importId: string;
}
