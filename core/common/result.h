#pragma once

#include "common/error.h"

#include <type_traits>
#include <utility>
#include <variant>

namespace refermap {

// The return type of fallible calls at module boundaries: either a value or an Error, never both.
// Accessing the wrong alternative throws refermap::Exception (with the stored error, when there is
// one), so a forgotten check fails loudly instead of reading garbage.
template <typename T>
class [[nodiscard]] Result {
    static_assert(!std::is_same_v<std::decay_t<T>, Error>, "Result<Error> is ambiguous");

public:
    Result(T value) // NOLINT(google-explicit-constructor): implicit, so `return value;` works
        : state_(std::in_place_index<0>, std::move(value))
    {
    }
    Result(Error error) // NOLINT(google-explicit-constructor): implicit, so `return error;` works
        : state_(std::in_place_index<1>, std::move(error))
    {
    }

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T& value() const&
    {
        throwIfError();
        return std::get<0>(state_);
    }
    T& value() &
    {
        throwIfError();
        return std::get<0>(state_);
    }
    T&& value() &&
    {
        throwIfError();
        return std::get<0>(std::move(state_));
    }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }

    template <typename U>
    T valueOr(U&& fallback) const&
    {
        return ok() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
    }

    const Error& error() const
    {
        if (ok())
            throw Exception(Error(ErrorCode::Internal, "Result::error() called on a success"));
        return std::get<1>(state_);
    }

private:
    void throwIfError() const
    {
        if (!ok())
            throw Exception(std::get<1>(state_));
    }

    std::variant<T, Error> state_;
};

// Result<void>: success carries nothing.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) // NOLINT(google-explicit-constructor)
        : error_(std::move(error))
    {
    }

    bool ok() const { return !error_.has_value(); }
    explicit operator bool() const { return ok(); }
    void value() const
    {
        if (error_)
            throw Exception(*error_);
    }
    const Error& error() const
    {
        if (!error_)
            throw Exception(Error(ErrorCode::Internal, "Result::error() called on a success"));
        return *error_;
    }

private:
    std::optional<Error> error_;
};

// Runs `body` and turns a refermap::Exception it throws into the Result's error. Anything else that
// escapes (std::exception from a library) becomes an Internal error with its text, so nothing
// crosses a module boundary as an exception.
template <typename Body>
auto captureErrors(Body&& body) -> Result<std::invoke_result_t<Body>>
{
    using T = std::invoke_result_t<Body>;
    try {
        if constexpr (std::is_void_v<T>) {
            body();
            return {};
        } else {
            return body();
        }
    } catch (const Exception& e) {
        return e.error();
    } catch (const std::exception& e) {
        return Error(ErrorCode::Internal, "unexpected failure").withDetail(e.what());
    }
}

} // namespace refermap
