import Foundation
import Testing

@testable import PhoneAuthCore

/// When a code is stuck, and what the next send may do then.
@Suite struct ChannelFallbackTests {
    let fallback = ChannelFallback(cooldown: .seconds(60), deliveryTimeout: .seconds(20))
    let offered: [DeliveryChannel] = [.telegram, .whatsapp, .sms, .voice]
    let sentAt = Date(timeIntervalSince1970: 1_800_000_000)

    func latest(_ channel: DeliveryChannel, _ state: DeliveryState) -> DeliveryRecord {
        DeliveryRecord(channel: channel, market: "kg", provider: "p", state: state, sentAt: sentAt)
    }

    @Test func aCodeIsStuckWhenItFailedOrIsOverdueWithinTheCooldown() {
        #expect(fallback.isStuck(latest(.telegram, .failed), now: sentAt.addingTimeInterval(1)))
        #expect(fallback.isStuck(latest(.telegram, .undelivered), now: sentAt.addingTimeInterval(1)))
        #expect(!fallback.isStuck(latest(.telegram, .sent), now: sentAt.addingTimeInterval(19)))
        #expect(fallback.isStuck(latest(.telegram, .sent), now: sentAt.addingTimeInterval(20)))
        #expect(!fallback.isStuck(latest(.telegram, .delivered), now: sentAt.addingTimeInterval(30)))
        #expect(!fallback.isStuck(latest(.telegram, .failed), now: sentAt.addingTimeInterval(60)))  // the cooldown is over anyway
        #expect(!fallback.isStuck(nil, now: sentAt))
    }

    @Test func onlyAnotherChannelSkipsTheCooldown() {
        let failed = latest(.telegram, .failed)
        let now = sentAt.addingTimeInterval(5)
        #expect(fallback.waivesCooldown(for: .whatsapp, latest: failed, now: now))
        #expect(!fallback.waivesCooldown(for: .telegram, latest: failed, now: now))
        #expect(fallback.defaultChannel(offered, latest: failed, now: now) == .whatsapp)
        #expect(fallback.defaultChannel(offered, latest: latest(.voice, .failed), now: now) == .telegram)
        #expect(fallback.defaultChannel(offered, latest: latest(.telegram, .delivered), now: now) == .telegram)
    }

    @Test func aFallThroughGoesOnFromTheChosenChannelAndNeverBackToTheStuckOne() {
        let now = sentAt.addingTimeInterval(25)
        #expect(fallback.order(offered, from: .whatsapp, latest: latest(.telegram, .sent), now: now) == [.whatsapp, .sms, .voice])
        #expect(fallback.order(offered, from: .sms, latest: latest(.whatsapp, .failed), now: now) == [.sms, .voice, .telegram])
        #expect(fallback.order(offered, from: .telegram, latest: nil, now: now) == offered)
    }

    @Test func aSwitchWaitsOnlyForTheDeliveryTimeLeft() {
        #expect(fallback.secondsUntilSwitch(to: .whatsapp, latest: latest(.telegram, .sent), now: sentAt.addingTimeInterval(5)) == 15)
        #expect(fallback.secondsUntilSwitch(to: .telegram, latest: latest(.telegram, .sent), now: sentAt) == nil)
        #expect(fallback.secondsUntilSwitch(to: .whatsapp, latest: latest(.telegram, .delivered), now: sentAt) == nil)
        #expect(fallback.availability(offered, used: .telegram).map(\.1) == [20, 20, 20])
    }
}
