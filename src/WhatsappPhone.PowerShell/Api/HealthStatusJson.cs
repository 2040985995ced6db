using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using WhatsappPhone.Models;

namespace WhatsappPhone.Api;

/// <summary>Graph's health_status, the same shape on a number and on an account.</summary>
internal sealed class HealthStatusJson
{
    public string? CanSendMessage { get; private set; }
    public List<HealthStatusError> Errors { get; } = new List<HealthStatusError>();
    /// <summary>The id of the WABA entity, if the answer names one.</summary>
    public string? AccountId { get; private set; }

    /// <summary>The errors one per line: "ENTITY id: code description"; $null when there are none.</summary>
    public string? IssuesText => Errors.Count == 0 ? null : string.Join("\n", Errors.Select(e => $"{e.EntityType} {e.EntityId}: {e.Code} {e.Description}"));

    public static HealthStatusJson Read(JsonElement v)
    {
        var health = new HealthStatusJson();
        if (v.ValueKind != JsonValueKind.Object) return health;
        health.CanSendMessage = GraphJson.Shown(GraphJson.Property(v, "can_send_message"));
        if (GraphJson.Property(v, "entities") is not { ValueKind: JsonValueKind.Array } entities) return health;
        foreach (var entity in entities.EnumerateArray())
        {
            var type = GraphJson.Shown(GraphJson.Property(entity, "entity_type"));
            var id = GraphJson.Shown(GraphJson.Property(entity, "id"));
            if (type == "WABA" && health.AccountId == null) health.AccountId = id;
            if (GraphJson.Property(entity, "errors") is not { ValueKind: JsonValueKind.Array } entityErrors) continue;
            foreach (var err in entityErrors.EnumerateArray())
            {
                health.Errors.Add(new HealthStatusError
                {
                    EntityType = type,
                    EntityId = id,
                    CanSendMessage = GraphJson.Shown(GraphJson.Property(entity, "can_send_message")),
                    Code = GraphJson.Shown(GraphJson.Property(err, "error_code")),
                    Description = GraphJson.Shown(GraphJson.Property(err, "error_description")),
                    PossibleSolution = GraphJson.Shown(GraphJson.Property(err, "possible_solution")),
                });
            }
        }
        return health;
    }
}
