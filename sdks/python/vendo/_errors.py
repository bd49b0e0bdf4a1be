"""Every error the SDK raises, with a stable ``code`` to branch on (the same codes as @vendodev/sdk)."""

# UNKNOWN_INTEGRATION       the slug is not in the catalog this SDK was generated from
# INVALID_MODE              VENDO_MODE is set to something other than "vendo" or "oss"
# MISSING_TOKEN             no token anywhere in the resolution chain
# MISSING_BASE_URL          Vendo mode, and no proxy base URL anywhere in the resolution chain
# CONTROL_API_UNCONFIGURED  Vendo mode needs the control API, but its URL, the deployment id or a bearer is not set
# CONTROL_API_FAILED        the control API could not be reached or answered with an error or an unexpected body
CODES = (
    "UNKNOWN_INTEGRATION",
    "INVALID_MODE",
    "MISSING_TOKEN",
    "MISSING_BASE_URL",
    "CONTROL_API_UNCONFIGURED",
    "CONTROL_API_FAILED",
)


class VendoError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
