import Testing
@testable import SIPCore

/// RFC 4475 §3.1.1: the valid messages parse, and their fields read as the RFC says.
@Suite("RFC 4475 §3.1.1 valid messages: fields")
struct TortureValidMessageTests {
    @Test("3.1.1.1 wsinv: folding, escapes, LWS, compact forms, unknown headers")
    func wsinv() throws {
        let message = try parsedTorture("wsinv")
        #expect(message.method == .invite)
        let ruri = try #require(try message.requestURI?.sipURI)
        #expect(ruri.user == "vivekg" && ruri.host == .name("chair-dnrc.example.com"))
        #expect(ruri.parameters.contains("unknownparam") && ruri.parameters["unknownparam"] == nil)
        let to = try #require(try message.to)
        #expect(to.sipURI?.user == "vivekg" && to.tag == "1918181833n" && to.displayName == nil)
        let from = try #require(try message.from)
        #expect(from.displayName == #"J Rosenberg \""#)
        #expect(from.sipURI?.user == "jdrosen" && from.tag == "98asjd8")
        #expect(message.maxForwards == 68)
        #expect(message.callID == "wsinv.ndaksdj@192.0.2.1")
        #expect(message.contentLength == 150 && message.body.count == 150)
        #expect(try message.cseq == CSeq(sequenceNumber: 9, method: "INVITE"))
        let via = try message.via
        #expect(via.map(\.transport) == ["UDP", "TCP", "UDP"])
        #expect(via.map(\.host) == [.ipv4("192.0.2.2"), .name("spindle.example.com"), .ipv4("192.168.255.111")])
        #expect(via.map(\.branch) == ["390skdjuw", "z9hG4bK9ikj8", "z9hG4bK30239"])
        #expect(via.map(\.isRFC3261Branch) == [false, true, true])
        #expect(message.headers.firstValue("Subject").map(Array.init) == [])
        let newFangled = try #require(message.headers["NewFangledHeader"])
        #expect(newFangled.hasPrefix("newfangled value") && newFangled.hasSuffix("continued newfangled value"))
        #expect(!newFangled.contains("\r") && !newFangled.contains("\n"))
        #expect(message.headers["UnknownHeaderWithUnusualValue"] == ";;,,;;,;")
        #expect(try message.contentType == MediaType(type: "application", subtype: "sdp"))
        let route = try message.route
        #expect(route.count == 1)
        #expect(route.first?.sipURI?.isLooseRouting == true)
        #expect(route.first?.sipURI?.parameters["unknownwith"] == "value")
        #expect(route.first?.sipURI?.parameters.contains("unknown-no-value") == true)
        let contact = try #require(try message.contact.first?.nameAddress)
        #expect(contact.displayName == #"Quoted string """#)
        #expect(contact.parameters["newparam"] == "newvalue" && contact.parameters.contains("secondparam"))
        #expect(try message.contact.first?.q == QValue(thousandths: 330))
    }

    @Test("3.1.1.2 intmeth: token characters, quoted control bytes, UTF-8 values")
    func intmeth() throws {
        let message = try parsedTorture("intmeth")
        let method = "!interesting-Method0123456789_*+`.%indeed'~"
        #expect(message.method?.rawValue == method)
        let ruri = try #require(try message.requestURI?.sipURI)
        #expect(ruri.user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        #expect(ruri.password == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
        #expect(ruri.host == .name("example.com"))
        #expect(try message.topVia?.branch == "z9hG4bK-.!%66*_+`'~")
        let to = try #require(try message.to)
        #expect(to.displayName == "BEL:\u{07} NUL:\u{00} DEL:\u{7F}")
        #expect(to.sipURI?.user == ruri.user)
        let from = try #require(try message.from)
        #expect(from.displayName == "token1~` token2'+_ token3*%!.-")
        #expect(from.tag == "_token~1'+`*%!-.")
        #expect(from.parameters.parameter(named: "fromParam''~+*_!.-%")?.unquotedValue == "работающий")
        #expect(message.callID == #"intmeth.word%ZK-!.*_+'@word`~)(><:\/"][?}{"#)
        #expect(try message.cseq == CSeq(sequenceNumber: 139_122_385, method: method))
        #expect(message.maxForwards == 255)
        #expect(message.headers["extensionHeader-!.%*+_`'~"] == "\u{FEFF}大停電")
    }

    @Test("3.1.1.3 esc01: %HH escapes are equivalent to the characters, never unescaped twice")
    func esc01() throws {
        let message = try parsedTorture("esc01")
        let ruri = try #require(try message.requestURI?.sipURI)
        #expect(ruri.decodedUser == "sips:user@example.com" && ruri.host == .name("example.net"))
        #expect(try message.to?.sipURI?.decodedUser == "user")
        #expect(try message.from?.sipURI?.decodedUser == "I have spaces")
        #expect(message.headers.firstValue(.callID).map { String(decoding: $0, as: UTF8.self) }
                == "esc01.239409asdfakjkn23onasd0-3234")
        #expect(try message.contentType?.isSDP == true)
        let contact = try #require(try message.contact.first?.nameAddress?.sipURI)
        #expect(contact.decodedUser == "caller")
        // RFC 3261 §19.1.4: components compare unescaped; "value%41" is not "valueA".
        let same = try SIPURI(parsing: "sip:caller@host5.example.net;lr;name=value%2541")
        let different = try SIPURI(parsing: "sip:caller@host5.example.net;lr;name=valueA")
        #expect(contact.isEquivalent(to: same))
        #expect(!contact.isEquivalent(to: different))
    }

    @Test("3.1.1.4 escnull: %00 users stay distinct and unshortened")
    func escnull() throws {
        let message = try parsedTorture("escnull")
        #expect(message.method == .register)
        #expect(try message.to?.sipURI?.decodedUser == "null-\u{0}-null")
        #expect(try message.from?.sipURI?.decodedUser == "null-\u{0}-null")
        let users = try message.contact.map { $0.nameAddress?.sipURI?.decodedUser }
        #expect(users == ["\u{0}", "\u{0}\u{0}"])
        let contacts = try message.contact.compactMap { $0.nameAddress?.uri }
        #expect(contacts.count == 2 && !contacts[0].isEquivalent(to: contacts[1]))
        #expect(message.contentLength == 0)
    }

    @Test("3.1.1.5 esc02: % is not an escape in methods, display names or header names")
    func esc02() throws {
        let message = try parsedTorture("esc02")
        #expect(message.method?.rawValue == "RE%47IST%45R" && message.method != .register)
        #expect(try message.to?.displayName == "%Z%45")
        #expect(try message.from?.displayName == "%Z%45")
        #expect(try message.contact.compactMap { $0.nameAddress?.sipURI?.user } == ["alias1", "alias3"])
        #expect(message.headers["C%6Fntact"] == "<sip:alias2@host2.example.com>")
        #expect(try message.topVia?.branch == "z9hG4bK209%fzsnel234")
        #expect(try message.cseq?.method == "RE%47IST%45R")
    }

    @Test("3.1.1.6 lwsdisp: a token display name directly before <")
    func lwsdisp() throws {
        let from = try #require(try parsedTorture("lwsdisp").from)
        #expect(from.displayName == "caller" && from.sipURI?.user == "caller" && from.tag == "323")
    }

    @Test("3.1.1.7 longreq: long values and 34 Via values in mixed spellings")
    func longreq() throws {
        let message = try parsedTorture("longreq")
        let to = try #require(try message.to)
        #expect(to.displayName == "I have a user name of \(String(repeating: "extreme", count: 10)) proportion")
        let toURI = try #require(to.sipURI)
        #expect(toURI.port == 6000 && toURI.parameters.count == 3)
        #expect(toURI.parameters["unknownparam1"] == "very\(String(repeating: "long", count: 20))value")
        #expect(toURI.parameters["longparam\(String(repeating: "name", count: 25))"] == "shortvalue")
        let from = try #require(try message.from)
        #expect(from.sipURI?.user == String(repeating: "amazinglylongcallername", count: 5))
        #expect(from.tag == "12\(String(repeating: "982", count: 50))424")
        #expect(from.parameters.count == 3)
        #expect(message.callID == "longreq.one\(String(repeating: "really", count: 20))longcallid")
        let via = try message.via
        #expect(via.count == 34)
        #expect(via.prefix(33).map(\.host) == (1...33).reversed().map { .name("sip\($0).example.com") })
        #expect(via.last?.received == "192.0.2.5")
        #expect(via.last?.branch == "very\(String(repeating: "long", count: 50))branchvalue")
        #expect(message.headers.values(.via).count == 34)
        #expect(try message.contact.count == 1)
        #expect(message.body.count == 150)
    }

    @Test("3.1.1.8 dblreq: the datagram's trailing octets are not a second message")
    func dblreq() throws {
        let message = try parsedTorture("dblreq")
        #expect(message.method == .register)
        #expect(message.body.isEmpty && message.contentLength == 0)
        #expect(message.callID == "dblreq.0ha0isndaksdj99sdfafnl3lk233412")
        #expect(!message.serializedString.contains("INVITE"))
    }

    @Test("3.1.1.9 semiuri: ; inside the user part belongs to the user")
    func semiuri() throws {
        let message = try parsedTorture("semiuri")
        let ruri = try #require(try message.requestURI?.sipURI)
        #expect(ruri.decodedUser == "user;par=u@example.net")
        #expect(ruri.host == .name("example.com") && ruri.parameters.isEmpty)
        #expect(message.headers.values("Accept").count == 6)
    }

    @Test("3.1.1.10 transports: known and unknown Via transports")
    func transports() throws {
        let via = try parsedTorture("transports").via
        #expect(via.map(\.transport) == ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"])
        #expect(via.allSatisfy { $0.isRFC3261Branch })
    }

    @Test("3.1.1.11 mpart01: a binary multipart body framed by Content-Length")
    func mpart01() throws {
        let message = try parsedTorture("mpart01")
        #expect(message.method == .message)
        #expect(message.body.count == 553)
        #expect(message.body.contains(0))
        #expect(message.body.suffix(22).elementsEqual(Array("--7a9cbec02ceef655--\r\n".utf8)))
        let type = try #require(try message.contentType)
        #expect(type.type == "multipart" && type.subtype == "mixed")
        #expect(type.parameter("boundary") == "7a9cbec02ceef655")
        let via = try #require(try message.topVia)
        #expect(via.port == 5070 && via.rport != nil)
        #expect(try message.route.first?.sipURI?.port == 5080)
    }

    @Test("3.1.1.12 unreason: a UTF-8 reason phrase")
    func unreason() throws {
        let status = try #require(try parsedTorture("unreason").statusLine)
        #expect(status.statusCode == 200)
        #expect(status.reason == "= 2**3 * 5**2 но сто девяносто девять - простое")
    }

    @Test("3.1.1.13 noreason: an empty reason phrase")
    func noreason() throws {
        let message = try parsedTorture("noreason")
        #expect(message.statusCode == 100 && message.statusLine?.reason == "")
        #expect(try message.to?.tag == "902jndnke3")
    }
}
