// Every migration, oldest first. New ones start from `npm run migration:create` (SQL by hand).
import { Initial1795387942569 } from './1795387942569-Initial.js';
import { PartitionedDisbursements1795392000000 } from './1795392000000-PartitionedDisbursements.js';
import { UploadedFiles1795393000000 } from './1795393000000-UploadedFiles.js';
import { IdNumberFunctions1795395000000 } from './1795395000000-IdNumberFunctions.js';
import { PersonPeriodIndex1795396000000 } from './1795396000000-PersonPeriodIndex.js';
import { AccountsAndAudit1795397000000 } from './1795397000000-AccountsAndAudit.js';
import { Triage1795398000000 } from './1795398000000-Triage.js';
import { Digests1795399000000 } from './1795399000000-Digests.js';
import { CheckRunRules1795401000000 } from './1795401000000-CheckRunRules.js';
import { JobOutbox1795402000000 } from './1795402000000-JobOutbox.js';
import { AuditHead1795403000000 } from './1795403000000-AuditHead.js';
import { AppRole1795404000000 } from './1795404000000-AppRole.js';
import { KeyedAudit1795405000000 } from './1795405000000-KeyedAudit.js';
import { ImportOwner1795406000000 } from './1795406000000-ImportOwner.js';
import { LeadAttachments1795407000000 } from './1795407000000-LeadAttachments.js';
import { AccountAdmin1795408000000 } from './1795408000000-AccountAdmin.js';
import { RefreshReuseWindow1795409000000 } from './1795409000000-RefreshReuseWindow.js';
