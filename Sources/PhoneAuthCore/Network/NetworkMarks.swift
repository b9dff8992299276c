import Foundation

/// What the network said about a code's number before the code went out.
package struct NetworkMarks: Sendable, Equatable {
    package var simSwap: SimSwapMark?
    /// Number Recycling's answer for the account holding the number, since its last sign-in; nil: not asked or no
    /// answer (the age rule of `AccountPolicy` decides then).
    package var recycled: Bool?

    package init(simSwap: SimSwapMark? = nil, recycled: Bool? = nil) { (self.simSwap, self.recycled) = (simSwap, recycled) }

    package var isEmpty: Bool { simSwap == nil && recycled == nil }
}
