export const CHANNELS = ['web', 'mailbox', 'sms', 'consultation', 'paper', 'phone', 'visit', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export const KINDS = ['complaint', 'suggestion', 'report', 'inquiry', 'praise'] as const;
export type Kind = (typeof KINDS)[number];

export const STATUSES = ['received', 'triage', 'assigned', 'accepted', 'answered', 'closed', 'returned', 'reopened', 'merged', 'rejected'] as const;
export type Status = (typeof STATUSES)[number];

export type Item = {
  id: number;
  code: string;
  channel: Channel;
  kind: Kind;
  status: Status;
  text: string;
  categoryCode: string | null;
  departmentCode: string | null;
  assigneeId: number | null;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  pinHash: string | null;
  anonymous: boolean;
  consentPublish: boolean;
  subjectUnit: string | null;
  subjectPerson: string | null;
  /** Divisions the report names (supervision mailbox): none of them may handle or read the item. */
  conflictDepartments: string[];
  lang: 'zh' | 'en';
  classification: unknown;
  ackDueAt: Date | null;
  replyDueAt: Date | null;
  maxDueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  satisfaction: 1 | 2 | 3 | null;
  satisfactionRequestedAt: Date | null;
  duplicateGroupId: number | null;
  assignedAt: Date | null;
  answeredAt: Date | null;
  closedAt: Date | null;
  ratedAt: Date | null;
  satisfactionReason: string | null;
  upheldAt: Date | null;
  pendingExtensionId: number | null;
  publishedAt: Date | null;
  mergedIntoId: number | null;
  /** When each escalation step is next due (SPEC §6); null where nothing is. */
  ladder: { ackChaseAt: Date | null; ackEscalateAt: Date | null; warnAt: Date | null; chaseAt: Date | null; escalateAt: Date | null };
};

/** Who an event is recorded against; `onBehalfOf` is the head a deputy acted for. */
export type Actor = { type: 'citizen' | 'system' | 'user' | 'apikey'; id: string | null; onBehalfOf?: number | null };

export type ItemEvent = {
  id: number;
  itemId: number;
  type: string;
  actorType: 'citizen' | 'system' | 'user' | 'apikey';
  actorId: string | null;
  fromStatus: Status | null;
  toStatus: Status | null;
  data: Record<string, unknown> | null;
  note: string | null;
  visibility: 'internal' | 'public';
  createdAt: Date;
};

export type NewEvent = Omit<ItemEvent, 'id' | 'itemId' | 'createdAt'>;
