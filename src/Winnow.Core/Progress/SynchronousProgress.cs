namespace Winnow.Core.Progress;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the caller's thread, in order (unlike <see cref="Progress{T}"/>,
/// which posts to the thread pool): what the library's stages use to turn one kind of progress into another.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
