import Fluent
import Foundation
import UsherCore
import Vapor

/// **Invitation insights** (SPEC: Funnel): the funnel of a period as numbers, a per-day chart
/// and the time-to-accept distribution. The charts are SVG drawn on the server from numbers
/// alone (no script, no font or file from elsewhere), each with a text description, a legend
/// with patterns as well as colours, and the same numbers in a table.
extension ConsoleRoutes {
    func insights(_ req: Request) async throws -> Response {
        let store = selectedStore(req)
        _ = try await IdentityStoreService(db: req.db).require(store)
        let clientId = req.query[String.self, at: "clientId"].flatMap { $0.isEmpty ? nil : $0 }
        var formError: String?
        let period: (Date, Date)
        do {
            period = try InvitationService.funnelPeriod(
                from: req.query[String.self, at: "from"], to: req.query[String.self, at: "to"], now: Date())
        } catch let error as UsherError {
            formError = error.detail
            period = try InvitationService.funnelPeriod(from: nil, to: nil, now: Date())
        }
        let funnel = try await InvitationService(db: req.db, context: req.usher).funnel(
            store: store, from: period.0, to: period.1, clientId: clientId)
        struct Client: Decodable {
            var client_id: String
            var name: String
        }
        let clients = try await req.db.sql.raw(
            """
            SELECT c.client_id, a.name FROM oidc_clients c JOIN applications a ON a.id = c.application_id
            WHERE a.store = \(bind: store) ORDER BY a.name, c.client_id
            """
        ).all(decoding: Client.self)
        let page = InsightsConsolePage(
            stores: try await stores(req, selected: store), store: store,
            applications: clients.map { .init(clientId: $0.client_id, name: $0.name, selected: $0.client_id == clientId) },
            from: InvitationFunnel.dayName(period.0), to: InvitationFunnel.dayName(period.1.addingTimeInterval(-1)), funnel: funnel,
            formError: formError)
        return self.page(req, "console/insights", "Invitation insights", page, section: "insights")
    }
}

/// `console/insights`.
struct InsightsConsolePage {
    struct Application {
        var clientId: String
        var name: String
        var selected: Bool
    }

    struct Bar {
        var x: Double
        var y: Double
        var width: Double
        var height: Double
        var fill: String
        var title: String
    }

    struct Label {
        var x: Double
        var y: Double
        var label: String
    }

    struct Tick {
        var y: Double
        var label: String
    }

    struct Chart {
        var width = 760.0
        var height = 260.0
        var left = 40.0
        var right = 750.0
        var baseline = 220.0
        var tickX = 34.0
        var bars: [Bar] = []
        var labels: [Label] = []
        var ticks: [Tick] = []
    }

    struct Legend {
        var label: String
        var fill: String
    }

    var stores: [StoreOption]
    var store: String
    var applications: [Application]
    var from: String
    var to: String
    var created: Int
    var delivered: Int
    var opened: Int
    var accepted: Int
    var expired: Int
    var revoked: Int
    var failedDelivery: Int
    var median: String
    var p90: String
    var series: [InvitationFunnel.Day]
    var chart: Chart
    var distribution: Chart
    var legend: [Legend]
    var formError: String?

    /// The five series: a colour and, for the two most easily confused, a pattern as well.
    static let kinds: [(String, String, KeyPath<InvitationFunnel.Day, Int>)] = [
        ("Created", "#2457d6", \.created), ("Delivered", "#7b8794", \.delivered), ("Opened", "url(#dots)", \.opened),
        ("Accepted", "#1f7a4d", \.accepted), ("Expired", "url(#hatch)", \.expired),
    ]

    init(
        stores: [StoreOption], store: String, applications: [Application], from: String, to: String, funnel: InvitationFunnel,
        formError: String?
    ) {
        self.stores = stores
        self.store = store
        self.applications = applications
        self.from = from
        self.to = to
        created = funnel.created
        delivered = funnel.delivered
        opened = funnel.opened
        accepted = funnel.accepted
        expired = funnel.expired
        revoked = funnel.revoked
        failedDelivery = funnel.failedDelivery
        median = funnel.medianSecondsToAccept.map(Self.duration) ?? "—"
        p90 = funnel.p90SecondsToAccept.map(Self.duration) ?? "—"
        series = funnel.series
        chart = Self.dayChart(funnel.series)
        distribution = Self.distributionChart(funnel.timeToAccept)
        legend = Self.kinds.map { Legend(label: $0.0, fill: $0.1) }
        self.formError = formError
    }

    static func dayChart(_ days: [InvitationFunnel.Day]) -> Chart {
        var chart = Chart()
        let top = 20.0
        let peak = max(1, days.flatMap { day in kinds.map { day[keyPath: $0.2] } }.max() ?? 1)
        let scale = (chart.baseline - top) / Double(peak)
        for fraction in [0.0, 0.5, 1.0] {
            let value = Int((Double(peak) * fraction).rounded())
            chart.ticks.append(Tick(y: chart.baseline - Double(value) * scale + 4, label: String(value)))
        }
        guard !days.isEmpty else { return chart }
        let slot = (chart.right - chart.left) / Double(days.count)
        let barWidth = max(1, (slot * 0.8) / Double(kinds.count))
        let labelEvery = max(1, Int((Double(days.count) / 10).rounded(.up)))
        for (i, day) in days.enumerated() {
            let start = chart.left + Double(i) * slot + slot * 0.1
            for (k, kind) in kinds.enumerated() {
                let value = day[keyPath: kind.2]
                let height = Double(value) * scale
                chart.bars.append(
                    Bar(
                        x: start + Double(k) * barWidth, y: chart.baseline - height, width: barWidth, height: height, fill: kind.1,
                        title: "\(day.date): \(value) \(kind.0.lowercased())"))
            }
            if i % labelEvery == 0 {
                chart.labels.append(Label(x: start + slot * 0.4, y: chart.baseline + 16, label: String(day.date.suffix(5))))
            }
        }
        return chart
    }

    static func distributionChart(_ buckets: [InvitationFunnel.Bucket]) -> Chart {
        var chart = Chart()
        chart.height = 240
        chart.baseline = 190
        let peak = max(1, buckets.map(\.count).max() ?? 1)
        let scale = (chart.baseline - 30) / Double(peak)
        let slot = (chart.right - chart.left) / Double(max(1, buckets.count))
        for (i, bucket) in buckets.enumerated() {
            let x = chart.left + Double(i) * slot + slot * 0.15
            let height = Double(bucket.count) * scale
            chart.bars.append(
                Bar(
                    x: x, y: chart.baseline - height, width: slot * 0.7, height: height, fill: "#2457d6",
                    title: "\(bucket.label): \(bucket.count)"))
            chart.labels.append(Label(x: x + slot * 0.35, y: chart.baseline - height - 6, label: String(bucket.count)))
            chart.labels.append(Label(x: x + slot * 0.35, y: chart.baseline + 16, label: bucket.label))
        }
        return chart
    }

    /// "3 h 20 min", "2 d 4 h", "45 s".
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min" }
        if s < 86400 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 86400) d \(s % 86400 / 3600) h"
    }
}
