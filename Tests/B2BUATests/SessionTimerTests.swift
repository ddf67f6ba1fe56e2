import B2BUA
import Foundation
import SIPCore
import Testing

@Suite struct SessionTimerTests {
    let now = Date(timeIntervalSince1970: 2_000_000)
    let settings = SessionTimer.Settings()

    func render(_ headers: [(HeaderName, String)]) -> [String] { headers.map { "\($0.0): \($0.1)" } }

    @Test func settingsNeverGoBelowNinetySeconds() {
        let low = SessionTimer.Settings(sessionExpires: 30, minSE: 10)
        #expect(low.minSE == 90)
        #expect(low.sessionExpires == 90)
    }

    @Test func uasRejectsTooBriefWith422MinSE() {
        let offer = SessionTimer.answer(sessionExpires: SessionExpires(seconds: 60), minSE: nil, supportsTimer: true,
                                        settings: settings, now: now)
        #expect(offer == .reject(minSE: 90))
    }

    @Test func uasHonoursTheUACAsRefresher() {
        let offer = SessionTimer.answer(sessionExpires: SessionExpires(seconds: 600, refresher: .uac), minSE: 90,
                                        supportsTimer: true, settings: settings, now: now)
        guard case .accept(let timer?, let headers) = offer else { Issue.record("\(offer)"); return }
        #expect(render(headers) == ["Session-Expires: 600;refresher=uac", "Require: timer"])
        #expect(!timer.weRefresh)
        // §10: BYE at 600 − min(32, 200) = 568 s without a refresh.
        #expect(timer.nextAction == .expire(at: now + 568))
    }

    @Test func uasRefreshesWhenTheRequestNamesNoRefresher() {
        let offer = SessionTimer.answer(sessionExpires: SessionExpires(seconds: 1800), minSE: nil, supportsTimer: true,
                                        settings: settings, now: now)
        guard case .accept(let timer?, let headers) = offer else { Issue.record("\(offer)"); return }
        #expect(render(headers) == ["Session-Expires: 1800;refresher=uas", "Require: timer"])
        #expect(timer.nextAction == .refresh(at: now + 900))
    }

    @Test func uasWithAUACThatDoesNotSupportTimersRefreshesItselfWithoutRequire() {
        let offer = SessionTimer.answer(sessionExpires: SessionExpires(seconds: 300, refresher: .uac), minSE: nil,
                                        supportsTimer: false, settings: settings, now: now)
        guard case .accept(let timer?, let headers) = offer else { Issue.record("\(offer)"); return }
        #expect(render(headers) == ["Session-Expires: 300;refresher=uas"])
        #expect(timer.weRefresh)
    }

    @Test func uasWithoutSessionExpiresAndWithoutTimerSupportRunsNoTimer() {
        let offer = SessionTimer.answer(sessionExpires: nil, minSE: nil, supportsTimer: false, settings: settings, now: now)
        #expect(offer == .accept(timer: nil, headers: []))
    }

    @Test func uasMayStartATimerWhenTheUACOnlySupportsIt() {
        let offer = SessionTimer.answer(sessionExpires: nil, minSE: 2000, supportsTimer: true, settings: settings, now: now)
        guard case .accept(let timer?, let headers) = offer else { Issue.record("\(offer)"); return }
        // Never below the request's Min-SE (§9).
        #expect(render(headers) == ["Session-Expires: 2000;refresher=uas", "Require: timer"])
        #expect(timer.interval == 2000)
    }

    @Test func uacRequestHeadersAndRetryAfter422() {
        #expect(render(SessionTimer.requestHeaders(settings: settings))
            == ["Supported: timer", "Session-Expires: 1800;refresher=uac", "Min-SE: 90"])
        #expect(render(SessionTimer.requestHeaders(settings: settings, atLeast: 3600))
            == ["Supported: timer", "Session-Expires: 3600;refresher=uac", "Min-SE: 3600"])
    }

    @Test func uacTimerFromTheAnswer() throws {
        let theyRefresh = SessionTimer.fromResponse(sessionExpires: SessionExpires(seconds: 120, refresher: .uas),
                                                    settings: settings, now: now)
        #expect(theyRefresh == SessionTimer(interval: 120, weRefresh: false, refreshedAt: now))
        #expect(theyRefresh?.nextAction == .expire(at: now + 88))
        let weRefresh = SessionTimer.fromResponse(sessionExpires: SessionExpires(seconds: 120), settings: settings, now: now)
        #expect(weRefresh?.nextAction == .refresh(at: now + 60))
        // No Session-Expires in the 2xx: we keep the leg alive ourselves, or run none.
        #expect(SessionTimer.fromResponse(sessionExpires: nil, settings: settings, now: now)?.weRefresh == true)
        #expect(SessionTimer.fromResponse(sessionExpires: nil, settings: settings, unilateral: false, now: now) == nil)
    }

    @Test func aRefreshMovesTheDeadline() {
        var timer = SessionTimer(interval: 90, weRefresh: false, refreshedAt: now)
        #expect(timer.nextAction == .expire(at: now + 60))
        timer.refreshed(at: now + 50)
        #expect(timer.nextAction == .expire(at: now + 110))
    }
}
