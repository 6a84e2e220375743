namespace Winnow.Core.Tests;
