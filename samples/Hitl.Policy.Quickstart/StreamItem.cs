namespace Hitl.Policy.Quickstart;

/// <summary>
/// One model output as the simulation sees it: the signals the host gives the policy, the proposal a reviewer reads,
/// the person the action is about, and the ground truth the policy never sees (whether the model got it wrong), which
/// the simulated reviewers and auditors find out.
/// </summary>
/// <param name="Output">The signals.</param>
/// <param name="Payload">The proposed action as JSON: what runs, or what a reviewer approves or edits.</param>
/// <param name="Subject">Whom the action is about (an applicant, a customer, a service); only they may contest it.</param>
/// <param name="ModelIsWrong">The ground truth: a careful person would not let this output run as it is.</param>
/// <param name="ArrivesAfter">The time since the previous output arrived.</param>
internal sealed record StreamItem(ModelOutput Output, string Payload, string Subject, bool ModelIsWrong, TimeSpan ArrivesAfter);
