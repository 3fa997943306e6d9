import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ALL_TABLES, type TableModel } from '../../lambdas/adapters/table-model.js';
import { keyAlias } from './logs.js';

/** The environment variable a function reads a table's name from: `Cases` → `CASES_TABLE` (see deps.ts). */
export const tableEnvName = (model: TableModel): string => `${model.logicalName.toUpperCase()}_TABLE`;

const key = (name: string) => ({ name, type: AttributeType.STRING });

/**
 * The tables of the table model, encrypted with one customer-managed key, the HMAC key of the timeline chain and the
 * petitioners' blind index, and the key that wraps each case's data key for its personal data; all kept when the
 * stack goes.
 */
export class Data extends Construct {
  readonly key: Key;
  readonly macKey: Key;
  readonly dataKey: Key;
  readonly tables: ReadonlyMap<TableModel, Table>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'TableKey', {
      description: 'Encrypts the Fengqiao tables',
      alias: keyAlias(this, 'tables'),
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // never rotated (KMS cannot rotate HMAC keys): stored hashes and blind indexes must stay verifiable
    this.macKey = new Key(this, 'MacKey', {
      description: 'Keys the Fengqiao timeline hash chain and blind index',
      alias: keyAlias(this, 'mac'),
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // rotated: KMS keeps the older key material, so data keys wrapped before a rotation still unwrap
    this.dataKey = new Key(this, 'DataKey', {
      description: "Wraps the per-case data keys of petitioners' personal data",
      alias: keyAlias(this, 'personal-data'),
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const tables = new Map<TableModel, Table>();
    for (const model of ALL_TABLES) {
      const table = new Table(this, model.logicalName, {
        partitionKey: key(model.partitionKey),
        ...(model.sortKey ? { sortKey: key(model.sortKey) } : {}),
        ...(model.ttlAttribute ? { timeToLiveAttribute: model.ttlAttribute } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: this.key,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      for (const index of model.indexes)
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: key(index.partitionKey),
          sortKey: key(index.sortKey),
          projectionType: ProjectionType.ALL,
        });
      tables.set(model, table);
    }
    this.tables = tables;
  }
}
