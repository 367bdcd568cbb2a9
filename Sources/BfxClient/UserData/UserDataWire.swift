import BfxProtocol

/// Builds the frames the user-data client writes, on top of BfxProtocol's encoders.
enum UserDataWire {
    /// The `auth` event for `nonce` (signature `HMAC-SHA384(secret, "AUTH<nonce>")`).
    static func authFrame(credentials: BfxCredentials, nonce: Int64, configuration: UserDataConfiguration) throws -> String {
        do {
            let auth = try BfxSignature.wsAuth(credentials: credentials, nonce: nonce, dms: configuration.deadManSwitch,
                                               filter: configuration.filter.isEmpty ? nil : configuration.filter,
                                               calc: configuration.calc)
            return auth.request.text
        } catch {
            throw UserDataError.invalidRequest("auth request: \(error)")
        }
    }
}
