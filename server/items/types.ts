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
  /** A division the report names (supervision mailbox): it must never handle or read the item. */
  conflictDepartment: string | null;
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
};

export type Actor = { type: 'citizen' | 'system' | 'user' | 'apikey'; id: string | null };

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
