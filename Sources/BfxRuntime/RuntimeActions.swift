import AsyncHTTPClient
import BfxClient
import BfxNonce
import BfxProtocol
import BfxSimulator
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
            subscription = try await client.subscribe(spec)
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
        // Bounded: each wait is at most one refill interval; 1000 rounds cover any budget ≥ 1/min.
        for _ in 0..<1000 {
            guard let wait = publicRESTBucket.take(nowNanos: options.clock.monotonicNanos()) else { break }
            publicRESTWaits += 1
            try await options.clock.sleep(for: .nanoseconds(Int64(clamping: wait)))
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

    /// Submits an order. With a ready user-data stream for the key (`connections[].key`) it is
    /// sent as a correlated WebSocket `on` and resolves on the server's `on`/`oc`; otherwise it is
    /// REST `auth/w/order/submit` (class `nonce.map.order_new`). Returns notification JSON
    /// (`[MTS, "on-req", null, null, [ORDER], null, "SUCCESS", TEXT]` on both paths).
    public func submitOrder(_ order: OrderRequest, key: String? = nil) async throws -> String {
        guard phase == .running || phase == .starting || phase == .stopping else { throw RuntimeError.notRunning }
        let newOrder = NewOrder(type: order.type, symbol: order.symbol, amount: try Self.wireNumber(order.amount, field: "amount"),
                                price: try order.price.map { try Self.wireNumber($0, field: "price") }, cid: order.cid)
        if let placed = try await userDataInput(key: key, label: "submit order", { try await $0.submit(newOrder) }) {
            return Self.notificationJSON(type: "on-req", info: .orders([placed]), text: "Submitted via WebSocket")
        }
        var fields = ["\"type\":\(Self.quote(order.type))", "\"symbol\":\(Self.quote(order.symbol))", "\"amount\":\(Self.quote(order.amount))"]
        if let price = order.price { fields.append("\"price\":\(Self.quote(price))") }
        if let cid = order.cid { fields.append("\"cid\":\(cid)") }
        return try await restCall(path: "auth/w/order/submit", body: "{" + fields.joined(separator: ",") + "}", key: key)
    }

    /// Updates an order: WebSocket `ou` when the key's user-data stream is ready, else REST
    /// `auth/w/order/update`. Returns notification JSON (`ou-req`, the order in INFO).
    public func updateOrder(id: Int64, price: String? = nil, amount: String? = nil, key: String? = nil) async throws -> String {
        guard phase == .running || phase == .starting || phase == .stopping else { throw RuntimeError.notRunning }
        let update = OrderUpdate(id: id, price: try price.map { try Self.wireNumber($0, field: "price") },
                                 amount: try amount.map { try Self.wireNumber($0, field: "amount") })
        if let updated = try await userDataInput(key: key, label: "update order", { try await $0.update(update) }) {
            return Self.notificationJSON(type: "ou-req", info: .order(updated), text: "Updated via WebSocket")
        }
        var fields = ["\"id\":\(id)"]
        if let price { fields.append("\"price\":\(Self.quote(price))") }
        if let amount { fields.append("\"amount\":\(Self.quote(amount))") }
        return try await restCall(path: "auth/w/order/update", body: "{" + fields.joined(separator: ",") + "}", key: key)
    }

    /// Cancels an order: WebSocket `oc` when the key's user-data stream is ready, else REST
    /// `auth/w/order/cancel` (class `nonce.map.order_cancel`). Returns notification JSON (`oc-req`).
    public func cancelOrder(id: Int64, key: String? = nil) async throws -> String {
        guard phase == .running || phase == .starting || phase == .stopping else { throw RuntimeError.notRunning }
        if let closed = try await userDataInput(key: key, label: "cancel order", { try await $0.cancel(.id(id)) }) {
            return Self.notificationJSON(type: "oc-req", info: .order(closed), text: "Cancelled via WebSocket")
        }
        return try await restCall(path: "auth/w/order/cancel", body: "{\"id\":\(id)}", key: key)
    }

    /// Cancels several orders at once (`oc_multi`): by order ids, by CIDs (with their creation
    /// date, `YYYY-MM-DD` UTC), by group ids, or all. With a ready user-data stream for the key
    /// it is one correlated WebSocket `oc_multi`, resolved by each affected order's `oc`; ids that
    /// are not open orders of the stream's account are reported as failures without waiting for a
    /// confirmation that would never come. Otherwise it is REST `auth/w/order/cancel/multi`
    /// (class `nonce.map.order_cancel`). Returns notification JSON (`oc_multi-req`, the cancelled
    /// orders in INFO; on the WebSocket path TEXT names the count and any failures).
    /// - Throws: `RuntimeError.invalidArgument` for an empty id/cid/gid list,
    ///   `RuntimeError.callFailed` when every cancellation failed or the input was rejected,
    ///   `RuntimeError.unknownKey` without an API key.
    public func cancelOrders(_ selection: OrderCancelMulti, key: String? = nil) async throws -> String {
        guard phase == .running || phase == .starting || phase == .stopping else { throw RuntimeError.notRunning }
        switch selection {
        case .ids(let ids) where ids.isEmpty: throw RuntimeError.invalidArgument("cancel orders: empty id list")
        case .gids(let gids) where gids.isEmpty: throw RuntimeError.invalidArgument("cancel orders: empty gid list")
        case .cids(let cids) where cids.isEmpty: throw RuntimeError.invalidArgument("cancel orders: empty cid list")
        default: break
        }
        guard let client = await readyUserData(key: key), let name = key ?? config.keys.first?.name else {
            return try await restCall(path: "auth/w/order/cancel/multi", body: selection.payload.serialized(), key: key)
        }
        var failures: [String] = []
        var effective = selection
        if case .ids(let ids) = selection {
            let open = Set(await client.accountState.openOrders.map(\.id))
            failures = ids.filter { !open.contains($0) }.map { "order \($0) is not open" }
            effective = .ids(ids.filter { open.contains($0) })
        }
        var closed: [Order] = []
        if effective != .ids([]) {
            userData[name]?.view.inputsSent += 1
            let results: [Result<Order, UserDataError>]
            do {
                results = try await client.cancelMulti(effective)
            } catch let error as UserDataError {
                userData[name]?.view.inputErrors += 1
                throw RuntimeError.callFailed("cancel orders (WebSocket): \(error)")
            }
            for result in results {
                switch result {
                case .success(let order): closed.append(order)
                case .failure(let error): failures.append("\(error)")
                }
            }
            // One sent input with any failed order (including ids that were not open) counts as one input error.
            if !failures.isEmpty { userData[name]?.view.inputErrors += 1 }
        }
        if closed.isEmpty, let first = failures.first {
            throw RuntimeError.callFailed("cancel orders (WebSocket): \(failures.count) failed; first: \(first)")
        }
        let text = "Cancelled \(closed.count) order(s) via WebSocket"
            + (failures.isEmpty ? "" : "; \(failures.count) failed: \(failures.prefix(3).joined(separator: "; "))")
        return Self.notificationJSON(type: "oc_multi-req", info: .orders(closed), text: text)
    }

    /// Wallets as JSON text (WALLET rows): from the live `AccountState` when the key's user-data
    /// stream is ready, else REST `auth/r/wallets`.
    public func wallets(key: String? = nil) async throws -> String {
        if let client = await readyUserData(key: key) {
            let state = await client.accountState
            return JSONValue.array(state.wallets.keys.sorted().compactMap { state.wallets[$0]?.row }).serialized()
        }
        return try await restCall(path: "auth/r/wallets", body: "{}", key: key)
    }

    /// Active orders as JSON text (ORDER rows, by id): live `AccountState` when the key's
    /// user-data stream is ready, else REST `auth/r/orders`.
    public func orders(key: String? = nil) async throws -> String {
        if let client = await readyUserData(key: key) {
            return JSONValue.array(await client.accountState.openOrders.map(\.row)).serialized()
        }
        return try await restCall(path: "auth/r/orders", body: "{}", key: key)
    }

    /// Positions as JSON text (POSITION rows, by symbol): live `AccountState` when the key's
    /// user-data stream is ready, else REST `auth/r/positions`.
    public func positions(key: String? = nil) async throws -> String {
        if let client = await readyUserData(key: key) {
            let state = await client.accountState
            return JSONValue.array(state.positions.keys.sorted().compactMap { state.positions[$0]?.row }).serialized()
        }
        return try await restCall(path: "auth/r/positions", body: "{}", key: key)
    }

    /// Injects a fault into the embedded simulator (build one from the shared vocabulary with
    /// `SimulatorFault(_:_:)` or `SimulatorFault.parse(words:)`).
    public func injectFault(_ fault: SimulatorFault) async throws {
        guard let simulator else { throw RuntimeError.notSimulator }
        await simulator.inject(fault)
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
            logger.error("config reload rejected; keeping the running config", metadata: ["file": "\(file)", "errors": "\(error.issueCount)"])
            for issue in error.issues { logger.error("\(issue.description)") }
            hub.publish(RuntimeEvent(kind: .configRejected, message: "reload rejected: \(error.issueCount) error(s); first: \(error.issues.first?.description ?? "")"))
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
        if new.rateLimits.restPublicPerMinute != config.rateLimits.restPublicPerMinute {
            publicRESTBucket = TokenBucket(perMinute: Double(new.rateLimits.restPublicPerMinute), nowNanos: options.clock.monotonicNanos())
        }
        if new.rateLimits.restAuthPerMinute != config.rateLimits.restAuthPerMinute
            || new.rateLimits.wsConnectAuthPer15s != config.rateLimits.wsConnectAuthPer15s
            || new.rateLimits.wsConnectPublicPerMinute != config.rateLimits.wsConnectPublicPerMinute
            || new.rateLimits.endpoints != config.rateLimits.endpoints {
            restartNeeded.append("rate_limits (except rest_public_per_minute)")
        }
        if new.connections.map(\.key) != config.connections.map(\.key) { restartNeeded.append("connections[].key") }
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
