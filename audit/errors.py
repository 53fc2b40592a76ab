"""The audit package's exceptions.

    AuditError              root: anything the audit subsystem refuses or cannot do
    ├── AuditKeyError       a key file is missing, unreadable, malformed or not owner-only
    ├── AuditStoreError     the database is not an llmwall audit DB, or is signed by another key
    └── AuditEncodingError  a record holds a value that has no canonical encoding

Verification failures are not exceptions: `audit.verify.verify` returns a `VerifyResult`
that names the first broken sequence number and the kind of damage.
Messages never carry record content.
"""


class AuditError(Exception):
    pass


class AuditKeyError(AuditError):
    pass


class AuditStoreError(AuditError):
    pass


class AuditEncodingError(AuditError):
    pass
