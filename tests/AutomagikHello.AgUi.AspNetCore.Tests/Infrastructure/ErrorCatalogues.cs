using System.Reflection;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

/// <summary>The codes a catalogue of codes (a static class of string constants) defines, read by reflection.</summary>
public static class ErrorCatalogues
{
    public static TheoryData<string> Codes(params Type[] catalogues)
    {
        var codes = new TheoryData<string>();
        foreach (var type in catalogues)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                if (field.IsLiteral && field.GetRawConstantValue() is string code)
                {
                    codes.Add(code);
                }
            }
        }

        return codes;
    }
}
