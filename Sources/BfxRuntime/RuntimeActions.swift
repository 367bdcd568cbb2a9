import AsyncHTTPClient
import BfxClient
import BfxNonce
import BfxProtocol
import Foundation
import Logging
import NIOCore

extension Runtime {
    /// Subscribes a channel (the pool picks or opens a connection). `connection` names the config
    /// group it is listed under (default: the first group, or `console`).
    public func subscribe(_ spec: ChannelSpec, connection: String? = nil) async throws -> ChannelInfo {
        guard phase == .running || phase == .starting else { throw RuntimeError.notRunning }
        return try await subscribe(spec, group: connection ?? config.connections.first?.name ?? "console")
    }

    func subscribe(_ spec: ChannelSpec, group: String) async throws -> ChannelInfo {
        if let problem = spec.validationProblem { throw RuntimeError.invalidArgument(problem) }
        guard let client = wsClient else { throw RuntimeError.notRunning }
        let subscription: Subscription
        do {
            subscription = try await client.subscribe(ClientBridge.clientSpec(spec))
        } catch {
            throw RuntimeError.callFailed("subscribe \(spec): \(error)")
        }
        let id = "c\(nextChannelNumber)"
        nextChannelNumber += 1
        let task = Task { [weak self] in
            for await event in subscription.events {
                await self?.ingest(id, event)
            }
        }
        channels[id] = ChannelEntry(id: id, group: group, spec: spec, subscription: subscription, task: task)
        channelOrder.append(id)
        let info = ChannelInfo(id: id, group: group, spec: spec, name: spec.description, connection: nil, chanId: nil, state: "pending",
                               messages: 0, lastMessageAgeSeconds: nil, checksumsVerified: 0, checksumMismatches: 0, sequenceGaps: 0, resyncs: 0)
        logger.info("subscribing", metadata: ["id": "\(id)", "channel": "\(spec)"])
        hub.publish(RuntimeEvent(kind: .subscribed, message: "subscribed \(spec) as \(id)", channel: info))
        return info
    }

    /// Unsubscribes by runtime channel id (or by short form, e.g. `ticker:tBTCUSD`).
    public func unsubscribe(id: String) async throws {
        guard let client = wsClient else { throw RuntimeError.notRunning }
        let resolved = channels[id] != nil ? id : channelOrder.first { channels[$0]?.spec.description == id }
        guard let resolved, let entry = channels[resolved] else { throw RuntimeError.unknownChannel(id) }
        await client.unsubscribe(entry.subscription.id)
        entry.task.cancel()
        channels[resolved] = nil
        channelOrder.removeAll { $0 == resolved }
        hub.publish(RuntimeEvent(kind: .unsubscribed, message: "unsubscribed \(entry.spec) (\(resolved))"))
    }

    /// Forces a reconnect of one pooled connection (by id) or all.
    public func reconnect(connection: Int? = nil) throws {
        guard let client = wsClient else { throw RuntimeError.notRunning }
        if let connection { client.reconnect(connection: connection) } else { client.reconnectAll() }
        hub.publish(RuntimeEvent(kind: .connection, message: "reconnect requested (\(connection.map(String.init) ?? "all"))"))
    }

    /// Any REST call. Paths under `auth/` are signed and go through the key's nonce queue with the
    /// priority class from `nonce.map` (or `priority`); others are public GETs. Returns the JSON text.
    public func restCall(method: String = "POST", path: String, body: String? = nil, key: String? = nil, priority: String? = nil) async throws -> String {
        guard phase == .running || phase == .starting || phase == .stopping else { throw RuntimeError.notRunning }
        let trimmed = path.hasPrefix("/") ? String(path.dropFirst()) : path
        let normalized = trimmed.hasPrefix("v2/") ? String(trimmed.dropFirst(3)) : trimmed
        if normalized.hasPrefix("auth/") {
            let keyName = key ?? config.keys.first?.name ?? ""
            guard let client = restClients[keyName] else { throw RuntimeError.unknownKey(keyName.isEmpty ? "(no keys configured)" : keyName) }
            let className = priority ?? config.nonce.map.className(for: CallClassMap.kind(ofPath: normalized))
            guard let classConfig = config.nonce.classes.first(where: { $0.name == className }) else { throw RuntimeError.unknownPriority(className) }
            var object = JSONObject()
            if let body, !body.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let parsed = try? JSONValue.parse(body), let parsedObject = parsed.object else {
                    throw RuntimeError.invalidArgument("body must be a JSON object, got: \(body.prefix(80))")
                }
                object = parsedObject
            }
            do {
                let value = try await client.call(path: normalized, body: object, priority: NoncePriority(className),
                                                  label: normalized, deadline: classConfig.deadline?.duration)
                return value.serialized()
            } catch let error as BfxRESTError {
                restErrors += 1
                if case .rateLimited = error { restRateLimitHits += 1 }
                if case .api(let apiError, _, _) = error, apiError.isRateLimit { restRateLimitHits += 1 }
                if case .api(let apiError, _, _) = error, let code = apiError.code?.rawValue, (10100...10113).contains(code) {
                    throw RuntimeError.authFailed("\(normalized): \(apiError)")
                }
                throw RuntimeError.callFailed("\(error)")
            } catch let error as RuntimeError {
                throw error
            } catch let error as CancellationError {
                throw error
            } catch {
                restErrors += 1
                throw RuntimeError.callFailed("\(normalized): \(error)")
            }
        }
        var request = HTTPClientRequest(url: urls.restPublic + "/v2/" + normalized)
        request.method = method.uppercased() == "POST" ? .POST : .GET
        if request.method == .POST { request.body = .bytes(ByteBuffer(string: body ?? "{}")) }
        do {
            let response = try await options.httpClient.execute(request, timeout: .seconds(15))
            let bytes = try await response.body.collect(upTo: 16 << 20)
            let text = String(buffer: bytes)
            if response.status.code == 429 { restRateLimitHits += 1 }
            guard (200..<300).contains(response.status.code) else {
                restErrors += 1
                throw RuntimeError.callFailed("\(normalized): HTTP \(response.status.code): \(text.prefix(200))")
            }
            return text
        } catch let error as RuntimeError {
            throw error
        } catch {
            restErrors += 1
            throw RuntimeError.callFailed("\(normalized): \(error)")
        }
    }

    /// Submits an order (`auth/w/order/submit`, class `nonce.map.order_new`). Returns the notification JSON.
    public func submitOrder(_ order: OrderRequest, key: String? = nil) async throws -> String {
        var fields = ["\"type\":\(Self.quote(order.type))", "\"symbol\":\(Self.quote(order.symbol))", "\"amount\":\(Self.quote(order.amount))"]
        if let price = order.price { fields.append("\"price\":\(Self.quote(price))") }
        if let cid = order.cid { fields.append("\"cid\":\(cid)") }
        return try await restCall(path: "auth/w/order/submit", body: "{" + fields.joined(separator: ",") + "}", key: key)
    }

    /// Updates an order (`auth/w/order/update`).
    public func updateOrder(id: Int64, price: String? = nil, amount: String? = nil, key: String? = nil) async throws -> String {
        var fields = ["\"id\":\(id)"]
        if let price { fields.append("\"price\":\(Self.quote(price))") }
        if let amount { fields.append("\"amount\":\(Self.quote(amount))") }
        return try await restCall(path: "auth/w/order/update", body: "{" + fields.joined(separator: ",") + "}", key: key)
    }

    /// Cancels an order (`auth/w/order/cancel`, class `nonce.map.order_cancel`).
    public func cancelOrder(id: Int64, key: String? = nil) async throws -> String {
        try await restCall(path: "auth/w/order/cancel", body: "{\"id\":\(id)}", key: key)
    }

    /// Wallets (REST `auth/r/wallets`) as JSON text.
    public func wallets(key: String? = nil) async throws -> String { try await restCall(path: "auth/r/wallets", body: "{}", key: key) }

    /// Active orders (REST `auth/r/orders`) as JSON text.
    public func orders(key: String? = nil) async throws -> String { try await restCall(path: "auth/r/orders", body: "{}", key: key) }

    /// Positions (REST `auth/r/positions`) as JSON text.
    public func positions(key: String? = nil) async throws -> String { try await restCall(path: "auth/r/positions", body: "{}", key: key) }

    /// Injects a fault into the embedded simulator.
    public func injectFault(_ fault: FaultRequest) async throws {
        guard let simulator else { throw RuntimeError.notSimulator }
        for item in fault.simulatorFaults { await simulator.inject(item) }
        logger.notice("fault injected", metadata: ["fault": "\(fault)"])
        hub.publish(RuntimeEvent(kind: .fault, message: "fault injected: \(fault)"))
    }

    /// Re-reads the config file (or `path`). On error the running config is kept and the error
    /// thrown. Applied live: alert rules, log level, output, channel additions/removals; endpoint,
    /// keys, websocket, nonce and metrics changes are reported as needing a restart.
    public func reload(from path: String? = nil) async throws {
        guard let file = path ?? options.configPath else { throw RuntimeError.invalidArgument("no config file to reload") }
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.load(path: file, environment: options.environment)
        } catch {
            logger.error("config reload rejected; keeping the running config", metadata: ["file": "\(file)", "errors": "\(error.issues.count)"])
            for issue in error.issues { logger.error("\(issue.description)") }
            hub.publish(RuntimeEvent(kind: .configRejected, message: "reload rejected: \(error.issues.count) error(s); first: \(error.issues.first?.description ?? "")"))
            throw error
        }
        let new = loaded.config
        var restartNeeded: [String] = []
        if new.endpoint != config.endpoint { restartNeeded.append("endpoint") }
        if new.keys != config.keys { restartNeeded.append("keys") }
        if new.websocket != config.websocket { restartNeeded.append("websocket") }
        if new.nonce != config.nonce { restartNeeded.append("nonce") }
        if new.metrics != config.metrics { restartNeeded.append("metrics") }
        if new.simulator != config.simulator { restartNeeded.append("simulator") }
        // Channels: add new, remove dropped.
        let oldSpecs = Set(channels.values.map { "\($0.group)|\($0.spec)" })
        var wanted: Set<String> = []
        for connection in new.connections {
            for spec in connection.channels {
                let tag = "\(connection.name)|\(spec)"
                wanted.insert(tag)
                if !oldSpecs.contains(tag) { _ = try? await subscribe(spec, group: connection.name) }
            }
        }
        for id in channelOrder {
            guard let entry = channels[id] else { continue }
            let tag = "\(entry.group)|\(entry.spec)"
            if !wanted.contains(tag), new.connections.contains(where: { $0.name == entry.group }) || config.connections.contains(where: { $0.name == entry.group }) {
                try? await unsubscribe(id: id)
            }
        }
        if new.alerts != config.alerts { alertEngine = AlertEngine(rules: new.alerts) }
        logger.logLevel = new.logging.level.loggerLevel
        var applied = config
        applied.connections = new.connections
        applied.alerts = new.alerts
        applied.logging = new.logging
        applied.output = new.output
        applied.shutdown = new.shutdown
        applied.startup = new.startup
        applied.rateLimits = new.rateLimits
        config = applied
        let note = restartNeeded.isEmpty ? "" : " (restart needed for: \(restartNeeded.joined(separator: ", ")))"
        logger.notice("config reloaded\(note)", metadata: ["file": "\(file)"])
        hub.publish(RuntimeEvent(kind: .configReloaded, message: "config reloaded from \(file)\(note)"))
    }

    static func quote(_ text: String) -> String {
        JSONValue.string(text).serialized()
    }
}
